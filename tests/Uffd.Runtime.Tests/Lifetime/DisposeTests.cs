namespace Uffd.Runtime.Tests.Lifetime;

/// <summary>Dispose is idempotent, and a disposed uffd refuses every call instead of using a stale descriptor.</summary>
public sealed class DisposeTests
{
    [Fact]
    public void Disposing_twice_is_harmless()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(Environment.SystemPageSize);
        Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = true });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);

        uffd.Dispose();
        uffd.Dispose();

        Assert.True(uffd.IsDisposed);
        Assert.DoesNotContain("rd", VmaInfo.Find(memory.Address)!.VmFlags);
    }

    [Fact]
    public void Every_call_after_dispose_throws_ObjectDisposedException()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(Environment.SystemPageSize);
        using var shutdown = new UffdShutdownSignal();
        Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        uffd.Dispose();
        nint page = memory.Address;
        long length = memory.Length;
        var source = new byte[length];

        var calls = new (string Name, Action Call)[]
        {
            ("ReadMessages", () => uffd.ReadMessages(new UffdMessage[1])),
            ("WaitForMessages", () => uffd.WaitForMessages(shutdown, 0)),
            ("ReadFdInfo", () => uffd.ReadFdInfo()),
            ("Register", () => uffd.Register(page, length, RegisterMode.Missing)),
            ("Unregister", () => uffd.Unregister(page, length)),
            ("Copy", () => uffd.Copy(page, source)),
            ("ZeroPage", () => uffd.ZeroPage(page, length)),
            ("Wake", () => uffd.Wake(page, length)),
            ("WriteProtect", () => uffd.WriteProtect(page, length)),
            ("RemoveWriteProtection", () => uffd.RemoveWriteProtection(page, length)),
            ("Continue", () => uffd.Continue(page, length)),
            ("Poison", () => uffd.Poison(page, length)),
            ("Move", () => uffd.Move(page, page, length)),
        };

        // The SafeHandle refuses to hand out a closed descriptor, so no call can reach the kernel with a stale
        // (possibly reused) number; each call is listed so a failure names every offender at once.
        var wrong = new List<string>();
        foreach ((string name, Action call) in calls)
        {
            try
            {
                call();
                wrong.Add($"{name}: no exception");
            }
            catch (Exception e)
            {
                if (e.GetType() != typeof(ObjectDisposedException))
                {
                    wrong.Add($"{name}: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        Assert.Empty(wrong);
    }
}
