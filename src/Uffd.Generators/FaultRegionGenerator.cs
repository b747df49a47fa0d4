using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Uffd.Generators.Emitting;
using Uffd.Generators.Model;
using Uffd.Generators.Parsing;
using Uffd.SourceGeneration;

namespace Uffd.Generators;

/// <summary>
/// Generates the userfaultfd glue of every <c>[FaultRegion] partial class</c>: Open, Dispose, the accessors, and a
/// callbacks struct through which the region engine calls the class's page provider and write handler.
/// Reports no diagnostics: an invalid declaration gets no code, and the analyzers say why.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class FaultRegionGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Find the declarations carrying [FaultRegion]. The predicate runs for attributed nodes in edited files; the
        // transform once per attributed class in the compilation, and it does all the symbol work: it validates the
        // class with the shared rules and returns a symbol-free, value-equatable model (or null). Everything after
        // it is cached as long as the model compares equal, so an unrelated edit re-runs only this step.
        IncrementalValuesProvider<RegionSpec?> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                RegionDeclarationRules.FaultRegionAttributeMetadataName,
                static (node, _) => node is TypeDeclarationSyntax,
                static (attributeContext, cancellationToken) => FaultRegionParser.Parse(attributeContext, cancellationToken))
            .WithTrackingName(TrackingNames.ParseRegion);

        IncrementalValuesProvider<RegionSpec> regions = parsed
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(TrackingNames.ValidRegions);

        // Emit per region, so a change to one region rebuilds only its text; the text is compared as a string.
        IncrementalValuesProvider<GeneratedRegionSource> sources = regions
            .Select(static (spec, cancellationToken) =>
                new GeneratedRegionSource(spec.Type.FileNameHint, FaultRegionEmitter.Emit(spec, cancellationToken)))
            .WithTrackingName(TrackingNames.EmitRegion);

        // Adding the files is the only step that sees all regions: file names must be unique ignoring case, and
        // "Demo.Letters" and "Demo.letters" are two valid classes. Cheap: it only adds finished strings.
        context.RegisterSourceOutput(sources.Collect().WithTrackingName(TrackingNames.CollectSources), AddSources);
    }

    private static void AddSources(SourceProductionContext context, ImmutableArray<GeneratedRegionSource> sources)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (GeneratedRegionSource source in sources)
        {
            string hint = source.FileNameHint;
            for (int n = 2; !used.Add(hint); n++)
            {
                hint = source.FileNameHint + "." + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            context.AddSource(hint + RegionDeclarationRules.GeneratedFileSuffix, source.Text);
        }
    }
}
