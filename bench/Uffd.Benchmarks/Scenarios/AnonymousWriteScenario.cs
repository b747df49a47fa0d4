namespace Uffd.Benchmarks.Scenarios;

// UFFD0032 guards registered memory; this mapping is never registered with a userfaultfd, so nothing here can wait for
// a handler, and plain stores are the point of the floor.
#pragma warning disable UFFD0032

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
