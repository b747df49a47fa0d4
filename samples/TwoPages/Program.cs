using System;
using System.Text;
using System.Threading;
using Uffd;

// The minimal userfaultfd handler: two pages, each filled with its own text on first access, read by another thread.
using var pages = new HelloPages();
pages.Open();

// As in the C original, a second thread takes the faults; Read faults from native code, so it is safe under a GC.
var reader = new Thread(() => { for (long i = 0; i < pages.PageCount; i++) Console.Write(pages.ReadText(i)); }) { IsBackground = true };
reader.Start();
if (!reader.Join(TimeSpan.FromSeconds(10)))
{
    Console.Error.WriteLine("TwoPages: the reader thread did not finish within 10 s.");
    return 1;
}

Console.WriteLine($"{pages.Statistics.PagesFilled} pages filled, one fault each.");
return 0;

// UserModeOnly = Allow: every access goes through the accessors, which make pages present first, so a user-mode-only
// uffd (all an unprivileged user gets by default) serves this sample as well; IsUserModeOnly tells which one it got.
[FaultRegion(Pages = 2, UserModeOnly = UserModeOnlyPolicy.Allow)]
public partial class HelloPages
{
    // Runs on a handler thread, once per page; the page it gets is zeroed, so the text ends in a NUL by itself.
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) =>
        Encoding.ASCII.GetBytes($"Hello from page {pageIndex}: filled on first access by the handler thread.\n", page);

    /// <summary>The NUL-terminated text at the start of a page, like the C original's <c>printf("%s", page)</c>.</summary>
    public string ReadText(long pageIndex)
    {
        var page = new byte[PageSize];
        Read(pageIndex * PageSize, page);
        return Encoding.ASCII.GetString(page, 0, Array.IndexOf(page, (byte)0));
    }
}
