using System.IO;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.Analyzers.Tests.Infrastructure;
using Uffd.Tests.Shared;

namespace Uffd.Analyzers.Tests.Catalog;

/// <summary>
/// Every descriptor is reachable: reported by exactly one analyzer, listed in the release file and the docs table,
/// and documented on its own help page, which its help link names as an absolute URL in the repository.
/// </summary>
public sealed class DiagnosticCatalogTests
{
    private static readonly string Root = BuildMetadata.RepositoryRoot;

    /// <summary>The RepositoryUrl property of Directory.Build.props, the one the analyzers build their links from.</summary>
    private static readonly string RepositoryUrl = BuildMetadata.Get("RepositoryUrl");

    public static TheoryData<string> Ids() => new(Descriptors().Select(d => d.Id));

    [Theory]
    [MemberData(nameof(Ids))]
    public void Each_rule_has_one_analyzer_a_release_entry_a_table_row_and_a_help_page(string id)
    {
        DiagnosticDescriptor descriptor = Descriptors().Single(d => d.Id == id);
        Assert.Single(UffdAnalyzers.Create(), a => a.SupportedDiagnostics.Any(d => d.Id == id));
        // Absolute, so an IDE can open it for a package user; on the default branch; naming a page that exists.
        string pageInRepository = $"docs/diagnostics/{id}.md";
        Assert.Equal($"{RepositoryUrl}/blob/main/{pageInRepository}", descriptor.HelpLinkUri);
        Assert.True(Uri.TryCreate(descriptor.HelpLinkUri, UriKind.Absolute, out Uri? link) && link.Scheme == Uri.UriSchemeHttps,
            $"'{descriptor.HelpLinkUri}' is not an absolute https URL");
        Assert.True(descriptor.IsEnabledByDefault);
        Assert.Contains(descriptor.DefaultSeverity, new[] { DiagnosticSeverity.Error, DiagnosticSeverity.Warning });

        string release = File.ReadAllText(Path.Combine(Root, "src/Uffd.Analyzers/AnalyzerReleases.Unshipped.md"));
        Assert.Contains($"{id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", release);

        string table = File.ReadAllText(Path.Combine(Root, "docs/diagnostics/README.md"));
        Assert.Contains($"| [{id}]({id}.md) | {descriptor.Category} | {descriptor.DefaultSeverity} | {descriptor.Title} |", table);

        string page = File.ReadAllText(Path.Combine(Root, pageInRepository));
        Assert.StartsWith($"# {id}: ", page);
        Assert.Contains("## Wrong", page);
        Assert.Contains("## Right", page);
    }

    private static IEnumerable<DiagnosticDescriptor> Descriptors() =>
        typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!);
}
