using System;
using System.Globalization;
using Uffd.Dispatch;

namespace Uffd.Regions;

/// <summary>
/// The process's fault dispatcher: the pool of handler threads that serves every region opened without
/// HandlerThreads. Its threads, one per CPU of the process's affinity by default, start with the first such region,
/// are pinned to their CPU, sleep in <c>epoll_wait</c> while no fault is pending, and live as long as the process.
/// Opening or disposing a region starts or stops no thread.
/// </summary>
/// <remarks>
/// The thread count can be set before the first region opens, by <see cref="Configure"/> or by the runtime
/// configuration option <see cref="ThreadCountOption"/> (an MSBuild
/// <c>&lt;RuntimeHostConfigurationOption Include="Uffd.DispatcherThreads" Value="4" /&gt;</c>); the call wins over the
/// option. Fewer threads than CPUs saves wake-ups on a host with many CPUs and few faulting threads; the thread that
/// serves a fault is usually the one pinned to the faulting thread's CPU, so more threads than CPUs buys nothing.
/// </remarks>
public static class RegionDispatcher
{
    /// <summary>The runtime configuration option that sets the thread count (a positive integer).</summary>
    public const string ThreadCountOption = "Uffd.DispatcherThreads";

    /// <summary>
    /// The shared dispatcher's thread count: what it runs with once started, else what it will start with (the
    /// configured count, or one per CPU of the process's affinity).
    /// </summary>
    /// <exception cref="InvalidOperationException">The runtime option is set, but not to a positive integer.</exception>
    public static int ThreadCount => FaultDispatcher.SharedThreadCount;

    /// <summary>True once the first region without HandlerThreads has opened and started the threads.</summary>
    public static bool IsStarted => FaultDispatcher.IsSharedCreated;

    /// <summary>Sets the shared dispatcher's thread count; only before the first region without HandlerThreads opens.</summary>
    /// <param name="threadCount">Threads, pinned round-robin to the CPUs of the process's affinity; 0 for one per CPU.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threadCount"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The dispatcher has started: configure it at the start of the program.</exception>
    public static void Configure(int threadCount) => FaultDispatcher.ConfigureShared(threadCount);

    /// <summary>The thread count <see cref="ThreadCountOption"/> sets, or null.</summary>
    /// <exception cref="InvalidOperationException">The option is set, but not to a positive integer.</exception>
    internal static int? ConfiguredByOption()
    {
        object? value = AppContext.GetData(ThreadCountOption);
        if (value is null)
        {
            return null;
        }

        string text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count > 0)
        {
            return count;
        }

        throw new InvalidOperationException(
            $"The runtime configuration option {ThreadCountOption} is '{text}'; it must be a positive number of threads (or be left out for one per CPU).");
    }
}
