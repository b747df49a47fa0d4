using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.Analyzers.Declarations;

namespace Uffd.Analyzers.Tests.Infrastructure;

/// <summary>
/// Every concrete <see cref="DiagnosticAnalyzer"/> of Uffd.Analyzers that declares itself for C#, found by reflection so
/// a new analyzer is covered by the robustness and corpus tests without editing them.
/// </summary>
internal static class AllAnalyzers
{
    public static ImmutableArray<DiagnosticAnalyzer> Create() =>
        typeof(RegionDeclarationAnalyzer).Assembly.GetTypes()
            .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type)
                && type.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), inherit: false).Length > 0)
            .OrderBy(type => type.FullName, StringComparer.Ordinal)
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
            .ToImmutableArray();
}
