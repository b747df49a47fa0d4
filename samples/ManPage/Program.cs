using System;
using System.Threading;
using Uffd;

// The example of userfaultfd(2) (and of the Rust crate's examples/manpage.rs), the UffdGen way: main touches the
// pages 1024 bytes apart, the first touch of each page runs the provider once on a handler thread.
const string Usage = """
    Usage: ManPage [pages] [--slow]
      pages    number of pages to map and touch, 1 to 1000 (default 3)
      --slow   sleep 100 ms after each read, as the man page example does
    """;

int pageCount = 3;
bool slow = false, pagesGiven = false;
foreach (string arg in args)
{
    if (arg == "--slow")
    {
        slow = true;
    }
    else if (pagesGiven || !int.TryParse(arg, out pageCount) || pageCount is < 1 or > 1000)
    {
        Console.Error.WriteLine($"ManPage: invalid argument '{arg}'.\n{Usage}");
        return 2;
    }
    else
    {
        pagesGiven = true;
    }
}

using var region = new FaultingPages();
region.Open(pageCount);
Console.WriteLine($"Address returned by Open() = 0x{region.BaseAddress:x} ({pageCount} pages of {region.PageSize} bytes)");

// Start off a page boundary, as the original does, to show that a fault anywhere in a page fills the whole page.
Span<byte> one = stackalloc byte[1];
for (long offset = 0xf; offset < region.Length; offset += 1024)
{
    region.Read(offset, one);   // faults from native code: safe whatever the GC does meanwhile
    Console.WriteLine($"Read address 0x{region.BaseAddress + (nint)offset:x} in main(): {(char)one[0]}");
    if (slow)
    {
        Thread.Sleep(100);
    }
}

Console.WriteLine($"\n{region.Statistics.PagesFilled} faults served, one per page.");
return 0;

// UserModeOnly = Allow: every access goes through the accessors, which make pages present first, so a user-mode-only
// uffd (all an unprivileged user gets by default) serves this sample as well; IsUserModeOnly tells which one it got.
[FaultRegion(UserModeOnly = UserModeOnlyPolicy.Allow)]
public partial class FaultingPages
{
    private int faults;

    // Runs on a handler thread. Each fault gets the next letter, so every page shows which fault filled it. The fault
    // line is printed before the page is installed, so it always comes before main's read of that page.
    [PageProvider]
    private void Fill(in PageFaultContext context, Span<byte> page)
    {
        int k = Interlocked.Increment(ref faults) - 1;
        page.Fill((byte)('A' + k % 20));
        // flags is the kernel's: UFFD_PAGEFAULT_FLAG_WRITE (1) for a write. The address is the page's start: the
        // engine does not ask the kernel for exact addresses (the man page's handler prints the unaligned one).
        Console.Write($"""

            fault_handler_thread():
                UFFD_EVENT_PAGEFAULT event: flags = {(context.IsWrite ? 1 : 0)}; address = {context.Address:x}
                    (page {context.PageIndex} filled with '{(char)page[0]}')

            """);
    }
}
