namespace Uffd.Benchmarks.Scenarios;

/// <summary>
/// One measured run in three phases, the same for the C reference and the generated regions: only
/// <see cref="Execute"/> is timed; set-up and tear-down (mapping, handler threads, content checks) are not.
/// </summary>
internal interface IFaultScenario
{
    /// <summary>Maps and registers memory, starts handlers and faulting threads, computes the access order.</summary>
    void Prepare();

    /// <summary>The faults of one run. Returns the pages faulted.</summary>
    long Execute();

    /// <summary>Stops everything, checks every page's contents and the handlers' counts, frees everything.</summary>
    void Finish();
}
