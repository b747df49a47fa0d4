using System.IO;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis.Emit;

namespace Uffd.Generators.Tests.Infrastructure;

/// <summary>
/// Compiles region classes with the generator in memory, loads the assembly into a collectible context and runs its
/// <c>E2E.Scenario.Run()</c> against the real kernel, on a thread the test waits for with a bound: a broken fault
/// path fails the test instead of hanging the run.
/// </summary>
internal static class InMemoryRegions
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static T Run<T>(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Result.Exception);
        Assert.NotEmpty(run.Sources);
        GeneratorHarness.AssertCompilesCleanly(run.Output);

        using var image = new MemoryStream();
        EmitResult emitted = run.Output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;

        var context = new AssemblyLoadContext("uffd-e2e", isCollectible: true);
        try
        {
            MethodInfo scenario = context.LoadFromStream(image).GetType("E2E.Scenario", throwOnError: true)!.GetMethod("Run")!;
            T? result = default;
            ExceptionDispatchInfo? failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    result = (T)scenario.Invoke(null, null)!;
                }
                catch (TargetInvocationException e)
                {
                    failure = ExceptionDispatchInfo.Capture(e.InnerException ?? e);
                }
            })
            { IsBackground = true, Name = "e2e scenario" };
            thread.Start();
            Assert.True(thread.Join(Bound), $"the scenario did not finish within {Bound.TotalSeconds} s");
            failure?.Throw();
            return result!;
        }
        finally
        {
            context.Unload();
        }
    }
}
