using System;
using System.Globalization;
using System.IO;
using Uffd;

namespace UffdInfo;

/// <summary>Facts about this machine and process that decide which rung of the ladder can work.</summary>
internal static class Machine
{
    private const int CapSysPtrace = 19;

    /// <summary>True when CAP_SYS_PTRACE is in this process's effective set (it gates kernel-mode-fault uffds).</summary>
    public static bool? HoldsSysPtrace =>
        StatusField("CapEff:") is { } hex && ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong caps)
            ? (caps & (1UL << CapSysPtrace)) != 0
            : null;

    public static string? Uid => StatusField("Uid:")?.Split('\t', ' ')[0];

    /// <summary>"0600 (crw-------)" for the device, or why it cannot be described.</summary>
    public static string DeviceDescription()
    {
        if (!KernelInfo.HasUserfaultfdDevice)
        {
            return "absent (it needs Linux 6.1 or later)";
        }

        UnixFileMode mode = File.GetUnixFileMode(KernelInfo.DevicePath);
        return $"present, mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')} (c{Symbolic(mode)})";
    }

    /// <summary>HugePages_Free from /proc/meminfo: huge pages of the default size available right now.</summary>
    public static long FreeHugePages => MeminfoField("HugePages_Free:");

    private static string Symbolic(UnixFileMode mode)
    {
        Span<char> text = stackalloc char[9];
        string letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++)
        {
            text[i] = ((int)mode & (1 << (8 - i))) != 0 ? letters[i] : '-';
        }

        return new string(text);
    }

    private static long MeminfoField(string name)
    {
        foreach (string line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith(name, StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(name.Length).Trim().ToString().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static string? StatusField(string name)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(name, StringComparison.Ordinal))
            {
                return line.Substring(name.Length).Trim();
            }
        }

        return null;
    }
}
