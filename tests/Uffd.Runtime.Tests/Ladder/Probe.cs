using System.IO;
using System.Text.RegularExpressions;

namespace Uffd.Runtime.Tests.Ladder;

/// <summary>What the probe's <c>create</c> mode reported.</summary>
internal sealed record CreatedUffd(UffdCreationPath Path, bool UserModeOnly, UffdFeatures Features);

/// <summary>Runs the probe (tests/Uffd.Runtime.Probe) as a child with the given privileges and parses its one line.</summary>
internal static partial class Probe
{
    public const int UnavailableExitCode = 3;

    public static ChildResult Run(Privilege privilege, params string[] args) => Child.Run("Uffd.Runtime.Probe", privilege, args);

    public static CreatedUffd Create(Privilege privilege, string policy)
    {
        ChildResult child = Run(privilege, "create", policy);
        Assert.True(child.ExitCode == 0 && child.Lines.Length == 1, child.ToString());
        Match match = CreateLine().Match(child.Lines[0]);
        Assert.True(match.Success, child.ToString());
        return new CreatedUffd(
            Enum.Parse<UffdCreationPath>(match.Groups["path"].Value),
            bool.Parse(match.Groups["umo"].Value),
            (UffdFeatures)Convert.ToUInt64(match.Groups["features"].Value, 16));
    }

    /// <summary>"served" or "EFAULT": what a syscall reading a missing registered page got.</summary>
    public static string KernelAccess(Privilege privilege, string policy)
    {
        ChildResult child = Run(privilege, "kernel-access", policy);
        Assert.True(child.ExitCode == 0 && child.Lines.Length == 1 && child.Lines[0].StartsWith("kernel-access=", StringComparison.Ordinal),
            child.ToString());
        return child.Lines[0]["kernel-access=".Length..];
    }

    /// <summary>The preconditions of the privilege matrix: the test host is root and holds CAP_SYS_PTRACE.</summary>
    public static void AssertHostIsFullyPrivilegedRoot()
    {
        string status = File.ReadAllText("/proc/self/status");
        Assert.Matches(@"(?m)^Uid:\s+0\s", status);
        ulong caps = Convert.ToUInt64(Regex.Match(status, @"(?m)^CapEff:\s+([0-9a-f]+)").Groups[1].Value, 16);
        Assert.True((caps & (1UL << 19)) != 0, "the ladder tests run as root with CAP_SYS_PTRACE (CapEff bit 19)");
    }

    [GeneratedRegex(@"^path=(?<path>\w+) usermodeonly=(?<umo>true|false) features=0x(?<features>[0-9a-f]+)$")]
    private static partial Regex CreateLine();
}
