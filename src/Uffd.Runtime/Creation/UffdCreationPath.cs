namespace Uffd;

/// <summary>How a userfaultfd was obtained; the permission ladder tries them in the order listed for each policy.</summary>
public enum UffdCreationPath
{
    /// <summary><c>userfaultfd(2)</c> without <c>UFFD_USER_MODE_ONLY</c>: serves faults from user and kernel mode.</summary>
    Syscall,
    /// <summary><c>userfaultfd(2)</c> with <c>UFFD_USER_MODE_ONLY</c>: kernel-mode accesses get EFAULT instead of a fault.</summary>
    SyscallUserModeOnly,
    /// <summary><c>/dev/userfaultfd</c> with <c>USERFAULTFD_IOC_NEW</c>: serves user and kernel faults.</summary>
    Device,
    /// <summary><c>/dev/userfaultfd</c> with <c>UFFD_USER_MODE_ONLY</c>.</summary>
    DeviceUserModeOnly,
    /// <summary>
    /// Received from another process (<see cref="UffdSocket.Receive"/>): how the sender created it is the sender's to
    /// know, so <see cref="Userfaultfd.IsUserModeOnly"/> is false for it whatever it is.
    /// </summary>
    Received,
}

/// <summary>
/// Whether the caller accepts a uffd that only catches faults raised in user mode (<c>UFFD_USER_MODE_ONLY</c>). Such a
/// uffd needs no privilege; one that also serves faults raised inside system calls needs CAP_SYS_PTRACE,
/// <c>vm.unprivileged_userfaultfd=1</c> or access to <c>/dev/userfaultfd</c>. <see cref="UffdOptions.UserModeOnly"/>
/// defaults to <see cref="Allow"/>; a region (<see cref="FaultRegionAttribute.UserModeOnly"/>) to <see cref="Forbid"/>.
/// </summary>
public enum UserModeOnlyPolicy
{
    /// <summary>
    /// Prefer a uffd that also serves kernel-mode faults; fall back to user-mode-only, then to <c>/dev/userfaultfd</c>.
    /// </summary>
    Allow,
    /// <summary>Only user-mode faults (the kernel's selftests always do this; no privilege needed since 5.11).</summary>
    Require,
    /// <summary>Kernel-mode faults must be served too (for example <c>read(2)</c> into registered memory).</summary>
    Forbid,
}

internal static class UffdCreationPathExtensions
{
    public static bool IsUserModeOnly(this UffdCreationPath path) =>
        path is UffdCreationPath.SyscallUserModeOnly or UffdCreationPath.DeviceUserModeOnly;

    public static UffdCreationPath[] Ladder(this UserModeOnlyPolicy policy) => policy switch
    {
        UserModeOnlyPolicy.Require => new[] { UffdCreationPath.SyscallUserModeOnly, UffdCreationPath.DeviceUserModeOnly },
        UserModeOnlyPolicy.Forbid => new[] { UffdCreationPath.Syscall, UffdCreationPath.Device },
        _ => new[] { UffdCreationPath.Syscall, UffdCreationPath.SyscallUserModeOnly, UffdCreationPath.Device },
    };
}
