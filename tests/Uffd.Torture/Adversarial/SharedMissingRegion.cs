using System;

namespace Uffd.Torture.Adversarial;

/// <summary>Missing faults on a shared memfd: no alias view (only Minor regions have one), so every page comes from the provider.</summary>
[FaultRegion(Mode = FaultMode.Missing, Memory = RegionMemory.Shared, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class SharedMissingRegion : LoggedRegion, IWritableSpans
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        Pattern.Fill(page, Log.Seed, pageIndex);
        Log.Filled(pageIndex);
    }
}
