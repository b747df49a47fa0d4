using Uffd.Generators.Tests.Infrastructure;

namespace Uffd.Generators.Tests.EndToEnd;

/// <summary>
/// The generated lifetime contract: Open once, members need an open region, Dispose is idempotent.
/// The regions accept a user-mode-only uffd (<c>UserModeOnly = Allow</c>): what is checked here holds with either
/// kind, so root checks it on a uffd serving kernel-mode faults and the run as nobody on a user-mode-only one.
/// </summary>
public sealed class LifetimeTests
{
    [Fact]
    public void OpenAndMemberMisuseThrowWithMessagesThatSayWhatToDo()
    {
        const string Source = """
            using System;
            using System.Collections.Generic;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Sized
                {
                    [PageProvider] private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        var results = new List<string>();
                        var region = new Sized();
                        results.Add(Try(() => _ = region.Length));
                        results.Add(Try(() => region.Open()));
                        results.Add(Try(() => region.Open(0)));
                        region.Open(3);
                        results.Add($"pages={region.PageCount}");
                        results.Add(Try(() => region.Open(3)));
                        region.Dispose();
                        region.Dispose();
                        results.Add(Try(() => _ = region.BaseAddress));
                        results.Add(Try(() => region.Open(3)));
                        return string.Join("\n", results);
                    }

                    private static string Try(Action action)
                    {
                        try { action(); return "no exception"; }
                        catch (Exception e) { return e.GetType().Name + ": " + e.Message.Split('\n')[0]; }
                    }
                }
            }
            """;

        Assert.Equal(
            string.Join("\n",
                "InvalidOperationException: Sized is not open: call Open(pages) first.",
                "InvalidOperationException: Sized has no Pages in its [FaultRegion] attribute: call Open(pages) with the region's size in pages.",
                "ArgumentOutOfRangeException: A region has at least one page. (Parameter 'pages')",
                "pages=3",
                "InvalidOperationException: Sized is already open: a region is opened once.",
                "ObjectDisposedException: Cannot access a disposed object.",
                "ObjectDisposedException: Cannot access a disposed object."),
            InMemoryRegions.Run<string>(Source));
    }

    [Fact]
    public void A_subclass_of_an_unsealed_region_releases_what_it_adds_through_Dispose_bool_and_the_region_is_disposed()
    {
        const string Source = """
            using System;
            using System.Collections.Generic;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Pages = 2, UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Letters
                {
                    [PageProvider] private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)'a');
                }

                public sealed class LoggedLetters : Letters
                {
                    public readonly List<string> Log = new List<string>();

                    protected override void Dispose(bool disposing)
                    {
                        Log.Add($"Dispose({disposing}), open before: {IsOpen}");
                        base.Dispose(disposing);
                        Log.Add($"open after: {IsOpen}");
                    }
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        var region = new LoggedLetters();
                        region.Open();
                        region.Log.Add("read " + (char)region.AsReadOnlySpan(0, 1)[0]);
                        using (IDisposable disposable = region)
                        {
                        }

                        region.Dispose();
                        return string.Join("\n", region.Log);
                    }
                }
            }
            """;

        Assert.Equal(
            string.Join("\n",
                "read a",
                "Dispose(True), open before: True",
                "open after: False",
                "Dispose(True), open before: False",
                "open after: False"),
            InMemoryRegions.Run<string>(Source));
    }
}
