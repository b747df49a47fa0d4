using System;
using System.IO;
using System.Linq;

namespace Uffd.Torture.Adversarial;

/// <summary>
/// <c>case revoke-fd-limit</c>: a uffd of the runtime alone, with a registered range whose pages nobody served, is
/// disposed while the process has no descriptor to spare. Disposing must still revoke the range (PROT_NONE), so a
/// later touch crashes instead of reading the zero page the kernel hands out once the uffd is gone. Revoking reads
/// /proc/self/smaps to check the range is still ours; it used to open the file there, failed at the limit, and left
/// the range readable as zeros.
/// </summary>
internal static class RevokeAtFdLimitCase
{
    public const string Name = "revoke-fd-limit";

    public static int Run(string[] args)
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(4 * Environment.SystemPageSize);
        var uffd = Userfaultfd.Create();
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        string before = Permissions(memory.Address);

        using (DescriptorBudget budget = DescriptorBudget.Lower(ProcessResources.Take().Descriptors, headroom: 16))
        {
            budget.Leave(0);
            uffd.Dispose();
        }

        string after = Permissions(memory.Address);
        bool ok = before == "rw-p" && after == "---p";
        Output.Line($"{(ok ? "ok" : "fail")} {Name}: the range was {before}, after Dispose with no descriptor free it is {after}");
        return ok ? 0 : Program.Failed;
    }

    /// <summary>The permissions column of the mapping holding <paramref name="address"/> in /proc/self/maps.</summary>
    private static string Permissions(nint address)
    {
        foreach (string line in File.ReadLines("/proc/self/maps"))
        {
            string[] fields = line.Split(' ', 3);
            string[] range = fields[0].Split('-');
            if (address >= (nint)Convert.ToInt64(range[0], 16) && address < (nint)Convert.ToInt64(range[1], 16))
            {
                return fields[1];
            }
        }

        return "unmapped";
    }
}
