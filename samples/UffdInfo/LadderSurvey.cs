using System;
using System.Collections.Generic;
using Uffd;

namespace UffdInfo;

/// <summary>What each policy of the permission ladder gives on this machine.</summary>
internal sealed record PolicyOutcome(UserModeOnlyPolicy Policy, UffdCreationPath? Path, string? Failure)
{
    public bool Works => Path is not null;

    public static IReadOnlyList<PolicyOutcome> Survey()
    {
        var outcomes = new List<PolicyOutcome>();
        foreach (UserModeOnlyPolicy policy in new[] { UserModeOnlyPolicy.Allow, UserModeOnlyPolicy.Require, UserModeOnlyPolicy.Forbid })
        {
            try
            {
                using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { UserModeOnly = policy, RevokeAccessOnClose = false });
                outcomes.Add(new PolicyOutcome(policy, uffd.CreationPath, null));
            }
            catch (UffdException e)
            {
                outcomes.Add(new PolicyOutcome(policy, null, e.Message));
            }
        }

        return outcomes;
    }

    public static string Describe(UffdCreationPath path) => path switch
    {
        UffdCreationPath.Syscall => "userfaultfd(2); serves user and kernel faults",
        UffdCreationPath.SyscallUserModeOnly => "userfaultfd(2) with UFFD_USER_MODE_ONLY; user faults only (syscalls get EFAULT)",
        UffdCreationPath.Device => "/dev/userfaultfd; serves user and kernel faults",
        _ => "/dev/userfaultfd with UFFD_USER_MODE_ONLY; user faults only",
    };
}
