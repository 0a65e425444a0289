using Gac.Core.Spec;

namespace Gac.Cli.Hosting;

/// <summary>
/// --provider for run, bench and profile: the spec's own words for validation.provider
/// (<see cref="ExecutionProviderChoice"/>), parsed in one place.
/// </summary>
internal static class ProviderOption
{
    public const string Name = "--provider";

    public static OptionSpec Spec(string summary) => new(Name, $"{summary}: {SpecEnumText.Choices<ExecutionProviderChoice>()}.", "name");

    /// <summary>The provider given, or null when the option is absent.</summary>
    public static ExecutionProviderChoice? Parse(ParsedArguments args)
        => args.Value(Name) switch
        {
            null => null,
            var text when SpecEnumText.TryParseExact<ExecutionProviderChoice>(text, out var choice) => choice,
            var other => throw ParsedArguments.ArgumentError($"{Name} expects {SpecEnumText.Choices<ExecutionProviderChoice>()}, found '{other}'."),
        };
}
