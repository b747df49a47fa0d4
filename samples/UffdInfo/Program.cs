using System;
using System.Collections.Generic;
using System.Linq;
using Uffd;

namespace UffdInfo;

/// <summary>Tells whether userfaultfd works on this machine and, if not, why and how to fix it. Exit 0 when it works.</summary>
internal static class Program
{
    private const int Label = 30;

    public static int Main()
    {
        Section("Machine");
        Row("Kernel", KernelInfo.Release);
        int? sysctl = KernelInfo.UnprivilegedUserfaultfd;
        Row("vm.unprivileged_userfaultfd", sysctl switch
        {
            null => "absent (before Linux 5.2: unprivileged users may create any uffd)",
            0 => "0 (without CAP_SYS_PTRACE only user-mode-only uffds)",
            _ => $"{sysctl} (anyone may create a uffd that serves kernel faults)",
        });
        Row(KernelInfo.DevicePath, Machine.DeviceDescription());
        Row("CAP_SYS_PTRACE", Machine.HoldsSysPtrace switch { true => "held", false => "not held", null => "unknown" });
        Row("uid", Machine.Uid ?? "unknown");
        long huge = KernelInfo.DefaultHugePageSize;
        Row("Default huge page size", huge == 0 ? "none" : $"{huge >> 10} KiB ({KernelInfo.HugePagesTotal} persistent, {Machine.FreeHugePages} free)");

        Section("Creation per policy (UffdOptions.UserModeOnly)");
        IReadOnlyList<PolicyOutcome> outcomes = PolicyOutcome.Survey();
        foreach (PolicyOutcome outcome in outcomes)
        {
            Row(outcome.Policy.ToString(), outcome.Works
                ? $"{outcome.Path}: {PolicyOutcome.Describe(outcome.Path!.Value)}"
                : "unavailable:\n" + Indent(outcome.Failure!, Label + 4));
        }

        PolicyOutcome? working = outcomes.FirstOrDefault(o => o.Works);
        if (working is null)
        {
            Console.WriteLine();
            Console.WriteLine("Verdict: userfaultfd does not work here; the messages above say why and how to fix it.");
            return 1;
        }

        UffdFeatures supported = Userfaultfd.QuerySupportedFeatures(working.Policy);
        int known = FeatureCatalog.Split(supported & FeatureCatalog.KnownMask).Count();
        Section($"Supported features (0x{(ulong)supported:x}, {known} of {FeatureCatalog.Known.Count} known)");
        foreach (UffdFeatures feature in FeatureCatalog.Split(supported))
        {
            int bit = System.Numerics.BitOperations.Log2((ulong)feature);
            // The kernel reports EVENT_FORK to everyone but refuses to enable it without CAP_SYS_PTRACE.
            string note = feature == UffdFeatures.EventFork && Machine.HoldsSysPtrace == false ? "  (needs CAP_SYS_PTRACE, not held)" : "";
            Console.WriteLine($"  bit {bit,2}  {FeatureCatalog.UapiName(feature),-34} since Linux {FeatureCatalog.SinceKernel(feature)}{note}");
        }

        Section($"Ioctls per memory type (UFFDIO_REGISTER, {working.Policy} uffd)");
        foreach ((string memory, string mode, string result) in IoctlSurvey.Run(working.Policy))
        {
            Console.WriteLine($"  {memory,-19} {mode,-9} {result}");
        }

        Console.WriteLine();
        Console.WriteLine("Verdict: " + Verdict(outcomes, known));
        return 0;
    }

    /// <summary>One line a user (or a script) can act on: works fully, works for user faults only.</summary>
    private static string Verdict(IReadOnlyList<PolicyOutcome> outcomes, int known)
    {
        string features = known == FeatureCatalog.Known.Count ? $"all {known} features" : $"{known} of {FeatureCatalog.Known.Count} features";
        bool kernelFaults = outcomes.Any(o => o.Works && o.Path is UffdCreationPath.Syscall or UffdCreationPath.Device);
        return kernelFaults
            ? $"userfaultfd works here (kernel and user faults; {features})."
            : $"userfaultfd works here for user faults only ({features}); to serve faults raised inside system calls, " +
              "grant CAP_SYS_PTRACE, set vm.unprivileged_userfaultfd=1, or give this user access to /dev/userfaultfd " +
              "(the Forbid line above says which cause applies). Until then a [FaultRegion] opens only with " +
              "UserModeOnly = UserModeOnlyPolicy.Allow.";
    }

    private static void Section(string title)
    {
        Console.WriteLine();
        Console.WriteLine(title);
    }

    private static void Row(string label, string value) => Console.WriteLine($"  {label.PadRight(Label)}{value}");

    private static string Indent(string text, int columns) =>
        string.Join('\n', text.Split('\n').Select(line => new string(' ', columns) + line));
}
