namespace Uffd.Benchmarks.Scenarios;

/// <summary>
/// The floor: write faults on plain private anonymous memory, no userfaultfd. Nothing can block here, so the writes
/// are plain stores, as in the C reference.
/// </summary>
internal sealed unsafe class AnonymousWriteScenario(long pages) : IFaultScenario
{
    private UffdMemory? memory;

    public void Prepare() => memory = UffdMemory.MapAnonymous(pages * System.Environment.SystemPageSize);

    public long Execute()
    {
        byte* start = (byte*)memory!.Address;
        int pageSize = System.Environment.SystemPageSize;
        for (long page = 0; page < pages; page++)
        {
            start[page * pageSize] = 1;
        }

        return pages;
    }

    public void Finish()
    {
        using UffdMemory finishing = memory!;
        memory = null;
        RegionChecks.Equal(1, ((byte*)finishing.Address)[(pages - 1) * System.Environment.SystemPageSize], "last page's byte", "anon-write");
    }
}
