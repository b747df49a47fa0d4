using System;
using System.Diagnostics.Metrics;
using Uffd;
using Uffd.Regions;

namespace Corpus.RegionCounters;

[FaultRegion(Pages = 64, ReadAhead = 4)]
public sealed partial class Sequence
{
    [PageProvider]
    private static void Fill(PageFaultContext context, Span<byte> page)
    {
        // The page's own index in every 8-byte slot.
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(page).Fill(context.PageIndex);
    }
}

public static class Program
{
    public static void Main()
    {
        long faults = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FaultRegionMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => faults += value);
        listener.Start();

        using var sequence = new Sequence();
        sequence.Open();
        sequence.Prefault(0, sequence.Length);
        listener.RecordObservableInstruments();
        FaultRegionStatistics statistics = sequence.Statistics;
        Console.WriteLine($"{statistics} / {faults} measured, pages of {sequence.PageSize} bytes at 0x{sequence.BaseAddress:x}");
    }
}
