using System.Runtime.InteropServices;

namespace Uffd.Interop;

/// <summary>The errno values the runtime decodes (asm-generic numbering, shared by x86_64 and arm64).</summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EFAULT = 14;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int ENFILE = 23;
    public const int EMFILE = 24;
    public const int ENOTTY = 25;
    public const int ENOSPC = 28;
    public const int ENOSYS = 38;
    public const int EHWPOISON = 133;

    public static string Name(int errno) => errno switch
    {
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        ESRCH => "ESRCH",
        EINTR => "EINTR",
        EIO => "EIO",
        EBADF => "EBADF",
        EAGAIN => "EAGAIN",
        ENOMEM => "ENOMEM",
        EACCES => "EACCES",
        EFAULT => "EFAULT",
        EBUSY => "EBUSY",
        EEXIST => "EEXIST",
        ENODEV => "ENODEV",
        EINVAL => "EINVAL",
        ENFILE => "ENFILE",
        EMFILE => "EMFILE",
        ENOTTY => "ENOTTY",
        ENOSPC => "ENOSPC",
        ENOSYS => "ENOSYS",
        EHWPOISON => "EHWPOISON",
        _ => "errno " + errno,
    };

    /// <summary>
    /// The name and what it means: the platform's text (<see cref="Marshal.GetPInvokeErrorMessage"/>, strerror's
    /// text on Linux, thread-safe unlike strerror itself), or for exhausted descriptors the limit that was reached and
    /// what to do, since every call that opens a descriptor can meet it and "Too many open files" alone names neither.
    /// </summary>
    public static string Describe(int errno) => errno switch
    {
        EMFILE => "EMFILE, too many open files (RLIMIT_NOFILE, ulimit -n): close descriptors or raise the limit",
        ENFILE => "ENFILE, too many open files in the system (fs.file-max): close descriptors or raise the limit",
        _ => Marshal.GetPInvokeErrorMessage(errno) is { Length: > 0 } text ? $"{Name(errno)} ({text})" : Name(errno),
    };

    /// <summary>True for the errors that say the process or the system is out of file descriptors.</summary>
    public static bool IsOutOfDescriptors(int errno) => errno is EMFILE or ENFILE;
}
