// corpus: exe
using System;
using Uffd;

// A tool run by normal users: it accepts a user-mode-only userfaultfd, and the size comes from the command line.
long pages = args.Length > 0 ? long.Parse(args[0]) : 16;
using var scratch = new Corpus.UnprivilegedSizedAtOpen.Scratch();
scratch.Open(pages);
Console.WriteLine($"{scratch.PageCount} pages, user-mode only: {scratch.IsUserModeOnly}");
Console.WriteLine(scratch.AsReadOnlySpan(0, 1)[0]);

namespace Corpus.UnprivilegedSizedAtOpen
{
    [FaultRegion(UserModeOnly = UserModeOnlyPolicy.Allow)]
    public sealed partial class Scratch
    {
        [PageProvider]
        private static PageFill Fill(long pageIndex, Span<byte> page) => PageFill.Zero;
    }
}
