using System.Runtime.InteropServices;

namespace Uffd.Interop;

/// <summary>
/// epoll(7), for the fault dispatcher: one epoll fd per handler thread, each holding every source's uffd
/// (bench/experiments/wake-strategies). <c>struct epoll_event</c> is packed on x86_64 (12 bytes, data at offset 4)
/// and naturally aligned elsewhere (16 bytes, data at offset 8), so events are read and written through
/// <see cref="EventSize"/> and <see cref="DataOffset"/> instead of a C# struct whose layout would fit one of them.
/// </summary>
internal static unsafe partial class Epoll
{
    private const string Lib = "libc";

    public const int EPOLL_CLOEXEC = 0x80000;

    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;

    public const uint EPOLLIN = 0x001;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;

    /// <summary>sizeof(struct epoll_event) on this architecture.</summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    /// <summary>offsetof(struct epoll_event, data) on this architecture.</summary>
    public static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, byte* @event);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int epoll_wait(int epfd, byte* events, int maxEvents, int timeoutMs);

    /// <summary>epoll_ctl(ADD or MOD) of <paramref name="fd"/> for <paramref name="events"/> with <paramref name="data"/>; 0 or the errno.</summary>
    public static int Control(int epfd, int op, int fd, uint events, ulong data)
    {
        byte* e = stackalloc byte[16];
        *(uint*)e = events;
        System.Runtime.CompilerServices.Unsafe.WriteUnaligned(e + DataOffset, data);
        return epoll_ctl(epfd, op, fd, e) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>epoll_ctl(DEL) of <paramref name="fd"/>; 0 or the errno.</summary>
    public static int Delete(int epfd, int fd)
    {
        // Linux before 2.6.9 wanted a non-null event even for DEL; passing one costs nothing.
        byte* e = stackalloc byte[16];
        return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, e) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>The events mask of entry <paramref name="index"/> of an epoll_wait buffer.</summary>
    public static uint EventsAt(byte* buffer, int index) => *(uint*)(buffer + (index * EventSize));

    /// <summary>The data of entry <paramref name="index"/> of an epoll_wait buffer (unaligned on x86_64).</summary>
    public static ulong DataAt(byte* buffer, int index) => System.Runtime.CompilerServices.Unsafe.ReadUnaligned<ulong>(buffer + (index * EventSize) + DataOffset);
}
