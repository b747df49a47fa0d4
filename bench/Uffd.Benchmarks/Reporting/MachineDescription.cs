using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Uffd.Benchmarks.Reporting;

/// <summary>The machine a run measured, written next to its figures.</summary>
internal static class MachineDescription
{
    public static string Describe()
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        string kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        string memory = File.ReadLines("/proc/meminfo").First().Split(':', 2)[1].Trim();
        string load = File.ReadAllText("/proc/loadavg").Trim();
        return $"{cpu}, {Environment.ProcessorCount} CPUs, {memory} RAM; Linux {kernel}; {RuntimeInformation.FrameworkDescription}; " +
               $"load average at start: {load}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC";
    }
}
