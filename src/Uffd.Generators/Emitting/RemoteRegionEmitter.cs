using Uffd.Generators.Helpers;
using static Uffd.Generators.Emitting.FaultRegionEmitter;

namespace Uffd.Generators.Emitting;

/// <summary>
/// The members of a remote region (<c>[FaultRegion(Remote = true)]</c>), written instead of <c>Open</c>, the
/// accessors and the address: the class serves another process's memory, which is not mapped in this one.
/// <code>
///     Serve(RemoteMemory), ServeAsync(RemoteMemory, CancellationToken); IsOpen, Ended, PageSize, PageCount,
///     LastProviderError, LastRemoteError, Statistics
/// </code>
/// </summary>
internal static class RemoteRegionEmitter
{
    private const string Task = "global::System.Threading.Tasks.Task";

    public static void WriteServe(IndentedTextWriter writer, EmitContext context)
    {
        writer.WriteLine();
        writer.WriteLine("/// <summary>");
        writer.WriteLine("/// Starts serving another process's memory: the faults of the ranges its uffd registered, each page filled by the");
        writer.WriteLine("/// provider with the page of its index in the memory's page space (a range's offset names it: a snapshot file's");
        writer.WriteLine("/// page). Returns at once; <c>Ended</c> completes when that process exits.");
        writer.WriteLine("/// </summary>");
        writer.WriteLine("/// <param name=\"memory\">What the process sent (for example <see cref=\"global::Uffd.FirecrackerProtocol.Receive\"/>): the region takes its uffd over.</param>");
        writer.WriteLine($"/// <exception cref=\"{InvalidOperation}\">The region is already serving, or this memory is served by another region.</exception>");
        writer.WriteLine("/// <exception cref=\"global::System.ObjectDisposedException\">The region was disposed.</exception>");
        writer.WriteLine("/// <exception cref=\"global::System.ArgumentException\">The memory's pages are neither base nor default huge pages, or the provider may poison pages and the process's uffd has no UFFD_FEATURE_POISON.</exception>");
        writer.WriteLine(GeneratedCode);
        writer.WriteLine("public void Serve(global::Uffd.RemoteMemory memory) =>");
        writer.WriteLine($"    {context.LifetimeField}.OpenRemote(");
        writer.WriteLine("        memory,");
        writer.WriteLine($"        new {context.Callbacks}({(context.CallbacksNeedInstance ? "this" : "")}),");
        WriteSettings(writer, context, "0", "        ");

        writer.WriteLine();
        writer.WriteLine("/// <summary>");
        writer.WriteLine("/// Serves another process's memory (see <c>Serve</c>) until that process exits or <paramref name=\"cancellationToken\"/>");
        writer.WriteLine("/// is cancelled, then stops serving (the region is disposed). Returns the region's final counters. A handler");
        writer.WriteLine("/// process's <c>Main</c> awaits it.");
        writer.WriteLine("/// </summary>");
        writer.WriteLine("/// <exception cref=\"global::System.OperationCanceledException\">The token was cancelled; the region was disposed first.</exception>");
        writer.WriteLine(GeneratedCode);
        writer.WriteLine($"public async {Task}<global::Uffd.Regions.FaultRegionStatistics> ServeAsync(global::Uffd.RemoteMemory memory, global::System.Threading.CancellationToken cancellationToken = default)");
        using (writer.WriteBlock())
        {
            writer.WriteLine("this.Serve(memory);");
            writer.WriteLine($"return await {context.LifetimeField}.ServeUntilEndedAsync(cancellationToken).ConfigureAwait(false);");
        }
    }

    public static void WriteProperties(IndentedTextWriter writer, EmitContext context)
    {
        string engine = context.EngineOf;
        WriteMember(writer,
            "True between a successful <c>Serve</c> and <c>Dispose</c>.",
            $"public bool IsOpen => {context.LifetimeField}.IsOpen;");
        WriteMember(writer,
            "Completes when the region can serve nothing more: the remote process exited (or its address space is gone), or the region was disposed. Dispose the region then.",
            $"public {Task} Ended => {engine}.Ended;");
        WriteMember(writer,
            "The size of the remote memory's pages (a huge page for hugetlb guest memory).",
            $"public int PageSize => {engine}.PageSize;");
        WriteMember(writer,
            "The pages of the memory's page space: up to the end of the range that ends last.",
            $"public long PageCount => {engine}.PageCount;");
        WriteMember(writer,
            "The last exception the provider threw (ZeroFill and Poison policies), or null.",
            $"public global::System.Exception{context.Nullable} LastProviderError => {engine}.LastProviderError;");
        WriteMember(writer,
            "The last thing the region could not do for the remote process (serve a forked child, a fault outside every range), or null.",
            $"public global::System.Exception{context.Nullable} LastRemoteError => {engine}.LastRemoteError;");
        WriteMember(writer,
            "Counters since the region started serving.",
            $"public global::Uffd.Regions.FaultRegionStatistics Statistics => {engine}.Statistics;");
    }
}
