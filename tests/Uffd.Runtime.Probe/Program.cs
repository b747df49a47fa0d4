using System;
using System.Globalization;

namespace Uffd.Runtime.Probe;

/// <summary>
/// Child-process probe for the ladder and revocation tests. Each mode prints one result line on stdout.
/// Exit codes: 0 result printed, 2 bad usage, 3 no uffd could be created, 4 a bounded wait expired, 5 unexpected result.
/// </summary>
internal static class Program
{
    public const int Usage = 2;
    public const int Unavailable = 3;
    public const int TimedOut = 4;
    public const int Unexpected = 5;

    public static int Main(string[] args)
    {
        try
        {
            return args switch
            {
                ["create", string policy] => CreateMode.Run(ParsePolicy(policy)),
                ["kernel-access", string policy] => KernelAccessMode.Run(ParsePolicy(policy)),
                ["region", string policy] => RegionPolicyMode.Run(ParsePolicy(policy)),
                ["syscall-spans", "allow" or "require"] => SyscallSpansMode.Run(args[1]),
                ["seccomp", string errno, string scope, string policy] => SeccompMode.Run(errno, scope, ParsePolicy(policy)),
                ["revoke"] => RevokeMode.Run(unregisterFirst: false),
                ["revoke-managed"] => RevokeMode.Run(unregisterFirst: false, managedAccess: true),
                ["release"] => RevokeMode.Run(unregisterFirst: true),
                ["gc-pressure", string seconds] => GcPressureMode.Run(ParseSeconds(seconds)),
                ["region-failfast"] => RegionFailFastMode.Run(asynchronous: false),
                ["region-failfast", "async"] => RegionFailFastMode.Run(asynchronous: true),
                ["generated-failfast"] => GeneratedFailFastMode.Run(),
                ["dispatcher", "api" or "option", string threads] => DispatcherMode.Run(args[1], int.Parse(threads, CultureInfo.InvariantCulture)),
                ["remote-client", string path, string pages] => RemoteClientMode.Run(path, int.Parse(pages, CultureInfo.InvariantCulture)),
                _ => Fail(Usage, "usage: create|kernel-access <allow|require|forbid> | region <policy> | syscall-spans <allow|require> | seccomp <eperm|enosys> <syscall|syscall+device> <policy> | revoke | revoke-managed | release | gc-pressure <seconds> | region-failfast [async] | generated-failfast | dispatcher <api|option> <threads> | remote-client <socket path> <pages>"),
            };
        }
        catch (UffdUnavailableException e)
        {
            Console.Out.WriteLine("unavailable: " + e.Message);
            Console.Out.Flush();
            return Unavailable;
        }
        catch (ArgumentException e) when (e.ParamName is null)
        {
            return Fail(Usage, e.Message);
        }
    }

    public static int Fail(int code, string message)
    {
        Console.Error.WriteLine(message);
        return code;
    }

    public static void Print(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }

    private static double ParseSeconds(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0 && seconds <= 600
            ? seconds
            : throw new ArgumentException($"bad duration '{text}': expected seconds, more than 0 and at most 600");

    private static UserModeOnlyPolicy ParsePolicy(string text) => text switch
    {
        "allow" => UserModeOnlyPolicy.Allow,
        "require" => UserModeOnlyPolicy.Require,
        "forbid" => UserModeOnlyPolicy.Forbid,
        _ => throw new ArgumentException($"unknown policy '{text}': expected allow, require or forbid"),
    };
}
