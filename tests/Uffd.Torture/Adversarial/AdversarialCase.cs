using System;
using System.Collections.Generic;

namespace Uffd.Torture.Adversarial;

/// <summary>
/// One case of the adversarial battery: something a user can do to a region that once gave silently wrong data or a
/// crash where an exception was due. Each runs in this optimized child process, so a crash or a hang ends the child
/// and the parent's watchdog reports it; a case that completes prints <c>ok ...</c> lines with what it measured and
/// returns 0, or prints <c>fail ...</c> and returns <see cref="Program.Failed"/>.
/// </summary>
internal static class AdversarialCases
{
    /// <summary>The cases by name, as <c>case NAME [ARGS...]</c> on the command line.</summary>
    public static readonly IReadOnlyDictionary<string, Func<string[], int>> ByName = new Dictionary<string, Func<string[], int>>
    {
        ["tracking"] = WriteTrackingCase.Run,
        ["moved"] = MovedRangesCase.Run,
        ["fork"] = ForkCase.Run,
        ["alias"] = AliasCase.Run,
        [FdLimitCase.Name] = FdLimitCase.Run,
        [PageTableCase.Name] = PageTableCase.Run,
        [RevokeAtFdLimitCase.Name] = RevokeAtFdLimitCase.Run,
    };
}
