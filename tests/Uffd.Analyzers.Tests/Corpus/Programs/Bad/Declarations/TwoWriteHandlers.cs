// corpus: expect UFFD0024
using System;
using Uffd;

namespace Corpus.TwoWriteHandlers;

// One handler for auditing, one for metrics: the region calls exactly one.
[FaultRegion(Mode = FaultMode.WriteProtect, Pages = 8)]
public sealed partial class Settings
{
    public int Audited { get; private set; }

    public int Counted { get; private set; }

    [WriteHandler]
    private void Audit(long pageIndex) => Audited++;

    [WriteHandler]
    private void Count(PageFaultContext context) => Counted++;
}
