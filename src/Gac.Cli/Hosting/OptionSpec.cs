namespace Gac.Cli.Hosting;

/// <summary>One option a command accepts. Flags take no value; the rest take exactly one.</summary>
public sealed record OptionSpec(string Name, string Description, string? ValueName = null)
{
    public bool IsFlag => ValueName is null;
}

/// <summary>A positional argument a command accepts.</summary>
/// <param name="Repeated">The last argument may take one or more values (compare's reports).</param>
public sealed record ArgumentSpec(string Name, string Description, bool Required = true, bool Repeated = false);
