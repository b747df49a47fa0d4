using Microsoft.CodeAnalysis;
using Uffd.Generators.Tests.Infrastructure;
using Uffd.SourceGeneration;

namespace Uffd.Generators.Tests.Generation;

/// <summary>
/// The table of generated members (<see cref="GeneratedMembers"/>, read by the conflict rule and the deadlock rules)
/// names exactly what the emitter writes, for every combination of options that changes the surface: a member the
/// emitter adds without the table would escape UFFD0006 and UFFD0030, a name the table keeps after the emitter drops it
/// would be a false alarm.
/// </summary>
public sealed class GeneratedMemberTableTests
{
    [Theory]
    [InlineData("Mode = FaultMode.Missing")]
    [InlineData("Mode = FaultMode.Missing | FaultMode.WriteProtect")]
    [InlineData("Mode = FaultMode.WriteProtect")]
    [InlineData("Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous")]
    [InlineData("Mode = FaultMode.Minor")]
    [InlineData("Mode = FaultMode.Minor | FaultMode.WriteProtect")]
    [InlineData("Mode = FaultMode.Missing, Memory = RegionMemory.Shared")]
    [InlineData("Remote = true")]
    public void The_table_names_exactly_the_members_the_emitter_writes(string options)
    {
        bool needsProvider = options != "Mode = FaultMode.WriteProtect";
        string source = $$"""
            using System;
            using Uffd;

            [FaultRegion({{options}}{{(options.StartsWith("Remote", StringComparison.Ordinal) ? "" : ", Pages = 4")}})]
            public partial class Sample
            {
                {{(needsProvider ? "[PageProvider] private void Fill(long pageIndex, Span<byte> page) => page.Clear();" : "")}}
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(source);
        GeneratorHarness.AssertCompilesCleanly(run.Output);
        INamedTypeSymbol region = run.Output.GetTypeByMetadataName("Sample")!;
        Assert.Null(RegionDeclarationRules.ReadOptions(region, out RegionOptions read));

        string[] written = region.GetMembers()
            .Where(member => !member.IsImplicitlyDeclared
                && member is not IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.Constructor }
                && member.DeclaringSyntaxReferences.Any(reference => GeneratorHarness.IsGenerated(reference.SyntaxTree)))
            .Select(member => member.Name)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToArray();
        string[] table = RegionDeclarationRules.GetGeneratedMemberNames(read)
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(table, written);
        Assert.All(written.Where(name => region.GetMembers(name).Any(m => m.DeclaredAccessibility == Accessibility.Public)),
            name => Assert.True(GeneratedMembers.TryGetKind(name, out _), $"public {name} has no kind in the table"));
    }
}
