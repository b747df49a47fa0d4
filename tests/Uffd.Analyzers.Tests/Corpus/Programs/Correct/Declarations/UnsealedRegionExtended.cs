using System;
using System.IO;
using Uffd;

namespace Corpus.UnsealedRegionExtended;

/// <summary>A region left open for extension: a subclass adds a log and releases it with the region.</summary>
[FaultRegion(Pages = 32, UserModeOnly = UserModeOnlyPolicy.Allow)]
public partial class PatternRegion
{
    private readonly byte _seed;

    public PatternRegion(byte seed) => _seed = seed;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)(_seed ^ pageIndex));
}

public sealed class LoggedPatternRegion : PatternRegion
{
    private readonly StringWriter _log = new();

    public LoggedPatternRegion() : base(0x5a)
    {
    }

    public string Log => _log.ToString();

    public void Touch(long pageIndex)
    {
        Prefault(pageIndex * PageSize, PageSize);
        _log.WriteLine($"touched {pageIndex}");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _log.Dispose();
        }

        base.Dispose(disposing);
    }
}
