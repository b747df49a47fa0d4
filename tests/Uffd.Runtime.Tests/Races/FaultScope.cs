using System.Runtime.InteropServices;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Races;

/// <summary>
/// Anonymous memory, a uffd without revocation and the faulters that touch the memory, torn down in the only safe
/// order: unregister (blocked faulters retry as ordinary faults), join the faulters, dispose the uffd, and unmap
/// only if every faulter has left (unmapping under a running faulter would SIGSEGV the test host).
/// </summary>
internal sealed class FaultScope : IDisposable
{
    private readonly List<Func<TimeSpan, bool>> faulters = new();

    private FaultScope(UffdMemory memory, Userfaultfd uffd)
    {
        Memory = memory;
        Uffd = uffd;
    }

    public UffdMemory Memory { get; }

    public Userfaultfd Uffd { get; }

    public int PageSize => Memory.PageSize;

    /// <summary>Maps <paramref name="pages"/> pages and registers them all in MISSING mode.</summary>
    public static FaultScope Create(int pages, UffdFeatures optionalFeatures = UffdFeatures.None)
    {
        UffdMemory memory = UffdMemory.MapAnonymous((long)pages * Environment.SystemPageSize);
        Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false, OptionalFeatures = optionalFeatures });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        return new FaultScope(memory, uffd);
    }

    public nint Page(int index) => Memory.Address + (nint)((long)index * PageSize);

    /// <summary>Starts a faulter that is joined (bounded) before the memory is unmapped.</summary>
    public Faulter<T> Run<T>(Func<T> body, string name = "faulter")
    {
        Faulter<T> faulter = Faulter.Run(body, name);
        lock (faulters)
        {
            faulters.Add(faulter.TryJoin);
        }

        return faulter;
    }

    /// <summary>Reads a whole page (faulting if it is missing); through <see cref="GcSafeMemory"/>.</summary>
    public byte[] ReadPage(int index)
    {
        var copy = new byte[PageSize];
        GcSafeMemory.Read(Page(index), copy);
        return copy;
    }

    public UffdFdInfo FdInfo() => Uffd.ReadFdInfo();

    /// <summary>Content that differs per page and per <paramref name="salt"/> and is never all zeros.</summary>
    public static byte[] Pattern(int page, int pageSize, byte salt)
    {
        var content = new byte[pageSize];
        for (int i = 0; i < pageSize; i++)
        {
            content[i] = (byte)(salt + page * 16 + 1 + i % 7);
        }

        return content;
    }

    public void Dispose()
    {
        if (!Uffd.IsDisposed)
        {
            try
            {
                Uffd.Unregister(Memory.Address, Memory.Length);
            }
            catch (ObjectDisposedException)
            {
                // Disposed by the test while a wait still held the descriptor: the kernel unregisters on release.
            }
        }

        bool allLeft = true;
        lock (faulters)
        {
            foreach (Func<TimeSpan, bool> tryJoin in faulters)
            {
                allLeft &= tryJoin(Bounded.Wait);
            }
        }

        Uffd.Dispose();
        if (allLeft)
        {
            Memory.Dispose();
        }
    }
}
