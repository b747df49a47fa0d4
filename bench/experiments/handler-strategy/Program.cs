// Why the region engine's default is one handler thread pinned per CPU: random single-page MISSING faults from one
// faulting thread, served (a) by one unpinned blocking handler, the plainest C handler's strategy, (b) by the engine with
// one pinned handler, (c) by the engine's default, one pinned handler per CPU. Median of 5 runs of 20,000 faults.
using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Uffd;
using Uffd.Regions;

const int Faults = 20_000;
const long RegionPages = 65_536; // 256 MiB of 4 KiB pages
int pageSize = Environment.SystemPageSize;

Console.WriteLine($"# {Faults} random single-page faults, 1 faulting thread, {Environment.ProcessorCount} CPUs, Linux {KernelInfo.Release}");
Report("unpinned blocking handler (seed strategy)", () => RunRawHandler(pageSize));
Report("engine, 1 pinned handler", () => RunEngine(1));
Report("engine default, 1 pinned handler per CPU", () => RunEngine(0));

static void Report(string name, Func<double> run)
{
    run(); // warm-up
    double[] runs = Enumerable.Range(0, 5).Select(_ => run()).OrderBy(x => x).ToArray();
    Console.WriteLine($"{name,-45} median {runs[2],6:F1} us/fault   (min {runs[0]:F1}, max {runs[4]:F1})");
}

static double RunEngine(int handlers)
{
    using var engine = FaultRegionEngine<FillCallbacks>.Open(default, new FaultRegionSettings("bench", FaultMode.Missing, RegionPages, HandlerThreads: handlers));
    return TimeRandomFaults(engine.BaseAddress, engine.PageSize);
}

static double RunRawHandler(int pageSize)
{
    using UffdMemory memory = UffdMemory.MapAnonymous(RegionPages * pageSize);
    using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
    uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
    using var stop = new UffdShutdownSignal();
    var handler = new Thread(() =>
    {
        var messages = new UffdMessage[16];
        byte[] page = new byte[pageSize];
        while (uffd.WaitForMessages(stop) == UffdWaitResult.MessagesAvailable)
        {
            int n = uffd.ReadMessages(messages);
            for (int i = 0; i < n; i++)
            {
                nint address = messages[i].PageFault.PageStart(pageSize);
                if (uffd.Copy(address, page).Outcome == UffdOutcome.AlreadyPresent)
                {
                    uffd.Wake(address, pageSize);
                }
            }
        }
    }) { IsBackground = true };
    handler.Start();
    double result = TimeRandomFaults(memory.Address, pageSize);
    stop.Signal();
    handler.Join();
    uffd.Unregister(memory.Address, memory.Length);
    return result;
}

static double TimeRandomFaults(nint baseAddress, int pageSize)
{
    var random = new Random(42);
    long[] order = Enumerable.Range(0, (int)RegionPages).Select(i => (long)i).OrderBy(_ => random.Next()).Take(Faults).ToArray();
    var watch = Stopwatch.StartNew();
    foreach (long page in order)
    {
        GcSafeMemory.ReadByte(baseAddress + (nint)(page * pageSize));
    }

    return watch.Elapsed.TotalMicroseconds / Faults;
}

readonly struct FillCallbacks : IFaultRegionCallbacks
{
    public PageFill FillPage(in PageFaultContext context, Span<byte> page)
    {
        page[0] = (byte)context.PageIndex;
        return PageFill.Filled;
    }

    public void OnWriteFault(in PageFaultContext context)
    {
    }
}
