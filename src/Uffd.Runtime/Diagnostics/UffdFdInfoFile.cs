using System;
using System.Globalization;

namespace Uffd;

/// <summary>
/// <c>/proc/self/fdinfo/N</c> of a uffd, kept open (<see cref="ProcFile"/>). The region engine keeps one for its whole
/// life: Dispose must read it to know that no thread is left waiting in a fault, and a process at its descriptor limit
/// could not open the file then.
/// </summary>
internal sealed class UffdFdInfoFile : IDisposable
{
    private readonly ProcFile file;

    private UffdFdInfoFile(ProcFile file) => this.file = file;

    /// <exception cref="UffdException">The file could not be opened (EMFILE at the descriptor limit, ENOENT without /proc).</exception>
    public static UffdFdInfoFile Open(int uffd) =>
        new(ProcFile.Open("/proc/self/fdinfo/" + uffd.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Opens, reads and closes: one look at a uffd's counters.</summary>
    public static UffdFdInfo ReadOnce(int uffd)
    {
        using UffdFdInfoFile file = Open(uffd);
        return file.Read();
    }

    /// <exception cref="UffdException">The read failed, or the file is not a uffd's fdinfo.</exception>
    public UffdFdInfo Read() => UffdFdInfo.Parse(file.ReadAll(), file.Path);

    public void Dispose() => file.Dispose();
}
