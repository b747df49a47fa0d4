using System;
using System.Collections.Generic;
using System.Text;
using Uffd;

namespace UffdInfo;

/// <summary>Registers a probe range of each memory type and reports the ioctls the kernel allows on it.</summary>
internal static class IoctlSurvey
{
    // Everything that changes what REGISTER accepts; no event features, whose events would block munmap until read.
    private const UffdFeatures RegisterFeatures =
        UffdFeatures.PageFaultFlagWP | UffdFeatures.MissingHugetlbfs | UffdFeatures.MissingShmem |
        UffdFeatures.MinorHugetlbfs | UffdFeatures.MinorShmem | UffdFeatures.WPHugetlbfsShmem |
        UffdFeatures.WPUnpopulated | UffdFeatures.Poison | UffdFeatures.Move;

    public static IEnumerable<(string Memory, string Mode, string Result)> Run(UserModeOnlyPolicy policy)
    {
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions
        {
            UserModeOnly = policy,
            OptionalFeatures = RegisterFeatures,
            RevokeAccessOnClose = false,
        });

        int page = Environment.SystemPageSize;
        yield return ("private anonymous", "MISSING", Probe(uffd, () => UffdMemory.MapAnonymous(page), RegisterMode.Missing));
        yield return ("private anonymous", "WP", Probe(uffd, () => UffdMemory.MapAnonymous(page), RegisterMode.WriteProtect));
        yield return ("shmem (memfd)", "MISSING", Probe(uffd, () => UffdMemory.MapShared(page), RegisterMode.Missing));
        yield return ("shmem (memfd)", "MINOR", Probe(uffd, () => UffdMemory.MapShared(page), RegisterMode.Minor));
        yield return ("shmem (memfd)", "MINOR|WP", Probe(uffd, () => UffdMemory.MapShared(page), RegisterMode.Minor | RegisterMode.WriteProtect));
        long free = Machine.FreeHugePages;
        yield return ("hugetlbfs (memfd)", "MISSING", free > 0
            ? Probe(uffd, () => UffdMemory.MapHugetlb(KernelInfo.DefaultHugePageSize), RegisterMode.Missing)
            : $"no free huge pages (vm.nr_hugepages={KernelInfo.HugePagesTotal}): hugetlbfs not checked");
    }

    public static string Names(UffdIoctls ioctls)
    {
        var text = new StringBuilder();
        foreach ((UffdIoctls bit, string name) in new[]
        {
            (UffdIoctls.Wake, "WAKE"), (UffdIoctls.Copy, "COPY"), (UffdIoctls.ZeroPage, "ZEROPAGE"), (UffdIoctls.Move, "MOVE"),
            (UffdIoctls.WriteProtect, "WRITEPROTECT"), (UffdIoctls.Continue, "CONTINUE"), (UffdIoctls.Poison, "POISON"),
        })
        {
            if ((ioctls & bit) != 0)
            {
                text.Append(text.Length == 0 ? "" : " ").Append(name);
            }
        }

        return text.ToString();
    }

    private static string Probe(Userfaultfd uffd, Func<UffdMemory> map, RegisterMode mode)
    {
        try
        {
            using UffdMemory memory = map();
            UffdRegistration registration = uffd.Register(memory.Address, memory.Length, mode);
            // Nothing touches the range; unregistering before the unmap keeps the uffd's bookkeeping exact.
            uffd.Unregister(memory.Address, memory.Length);
            return $"0x{(ulong)registration.Ioctls:x3}  {Names(registration.Ioctls)}";
        }
        catch (Exception e) when (e is UffdException or ArgumentException)
        {
            return "refused: " + e.Message;
        }
    }
}
