using Uffd.Tests.Shared;

namespace Uffd.Samples.Tests.Infrastructure;

/// <summary>
/// Runs a sample exactly as a user would (<c>dotnet Sample.dll args</c>, from the test output directory, where the
/// project reference put it) as a bounded child process (<see cref="Child"/>): on expiry it is killed and the test fails.
/// </summary>
internal static class Sample
{
    private static readonly Watchdog Bound = new(TimeSpan.FromSeconds(60));

    public static ChildResult Run(string name, params string[] args)
    {
        ChildResult result = Child.Watch(name, Privilege.Root, Bound, args);
        if (result.WasKilled)
        {
            Assert.Fail($"{name} did not finish within {Bound.Total.TotalSeconds:0} s and was killed:\n{result}");
        }

        return result;
    }

    /// <summary>Whether this process can have a uffd that serves kernel-mode faults: read from the machine, not assumed.</summary>
    public static bool KernelFaultsHere()
    {
        try
        {
            using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { UserModeOnly = UserModeOnlyPolicy.Forbid, RevokeAccessOnClose = false });
            return true;
        }
        catch (UffdUnavailableException)
        {
            return false;
        }
    }
}
