namespace Gac.Core.Diagnostics;

/// <summary>GAC0xxx: reading and validating gac.yaml.</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor SpecFileUnreadable = new(
        "GAC0001", "Spec file not found or unreadable",
        "The gac.yaml path does not exist, is a folder, or cannot be read (permissions, I/O error).",
        "Check the path; relative paths are resolved against the current directory. `gac-build init` writes a starter spec.");

    public static readonly DiagnosticDescriptor SpecEmpty = new(
        "GAC0002", "Spec file is empty",
        "The file holds no YAML content (it is empty or has only comments).",
        "Add at least `version`, `model`, `compress` and `export`; `gac-build init` writes a commented starter spec.");

    public static readonly DiagnosticDescriptor SpecYamlSyntax = new(
        "GAC0003", "YAML syntax error",
        "The file is not well-formed YAML (bad indentation, a tab used for indentation, an unclosed quote or bracket, a stray ':').",
        "Fix the YAML at the reported position; indent with spaces and quote values that contain ': ' or start with a special character.");

    public static readonly DiagnosticDescriptor SpecDuplicateKey = new(
        "GAC0004", "Duplicate key",
        "The same key appears twice in one mapping; YAML forbids this and the two values would silently compete.",
        "Keep one of the two entries.");

    public static readonly DiagnosticDescriptor SpecNotUtf8 = new(
        "GAC0005", "Spec file is not UTF-8 text",
        "The file contains bytes that are not valid UTF-8 (or UTF-16 with a byte-order mark).",
        "Save gac.yaml as UTF-8 text.");

    public static readonly DiagnosticDescriptor SpecMultipleDocuments = new(
        "GAC0006", "More than one YAML document",
        "The file holds several YAML documents separated by '---'; a spec is one document.",
        "Keep one document per gac.yaml; put other configurations in their own files.");

    public static readonly DiagnosticDescriptor SpecTooComplex = new(
        "GAC0007", "Spec nested too deeply or too large",
        "The document nests deeper than any valid spec can, or aliases (*name) expand into more nodes than a spec has.",
        "Write the spec out plainly; a valid gac.yaml nests at most a few levels.");

    public static readonly DiagnosticDescriptor SpecKeyNotScalar = new(
        "GAC0008", "Mapping key is not a plain value",
        "A key is itself a list or mapping (for example `? [a, b]` or `{a: 1}: x`).",
        "Use plain snake_case names as keys.");

    public static readonly DiagnosticDescriptor SpecUnknownKey = new(
        "GAC0010", "Unknown key",
        "A key is not part of the gac.yaml format at this place (a typo, or a key that belongs to another section).",
        "Use one of the keys listed in the message, or see gac.yaml.schema.json; the message suggests the closest name.");

    public static readonly DiagnosticDescriptor SpecWrongType = new(
        "GAC0011", "Value has the wrong type",
        "A value is of the wrong kind: for example text where a number is expected, or a single value where a section (mapping) or list is expected.",
        "Write the kind of value the message asks for; numbers and booleans must not be quoted.");

    public static readonly DiagnosticDescriptor SpecValueOutOfRange = new(
        "GAC0012", "Value out of range",
        "A number lies outside its allowed range, is not finite, or a list or mapping has too few or too many entries.",
        "Use a value inside the range given in the message.");

    public static readonly DiagnosticDescriptor SpecValueNotAllowed = new(
        "GAC0013", "Value is not one of the allowed values",
        "A setting takes one of a fixed set of values and the given value is not among them.",
        "Use one of the values listed in the message (spelling is kebab-case, e.g. round-up).");

    public static readonly DiagnosticDescriptor SpecMissingField = new(
        "GAC0014", "Required field missing",
        "A field that has no default is absent (for example model.path, export.path, or compress.ratio for a method other than none).",
        "Add the field named in the message.");

    public static readonly DiagnosticDescriptor SpecUnsupportedVersion = new(
        "GAC0015", "Unsupported spec version",
        "The `version` field names a gac.yaml format this gac-build does not know.",
        "Set `version: 1`, or upgrade gac-build if the spec was written for a newer one.");

    public static readonly DiagnosticDescriptor SpecBadValueForm = new(
        "GAC0016", "Value has the wrong form",
        "A text value does not have the required form (for example a percent threshold like \"20%\", a file name ending in .onnx or .npy, or a profile name " +
            "in lowercase kebab-case).",
        "Rewrite the value in the form given in the message.");

    public static readonly DiagnosticDescriptor SpecDuplicateEntry = new(
        "GAC0017", "Duplicate entry",
        "A list repeats a value, or two entries share a name that must be unique (calibration inputs, user profiles).",
        "Remove or rename the repeated entry.");

    public static readonly DiagnosticDescriptor SpecPathNotFound = new(
        "GAC0020", "Referenced file or folder does not exist",
        "A path in the spec (model, calibration data, staircase, ONNX Runtime folder) does not exist.",
        "Fix the path; relative paths are resolved against the folder that holds gac.yaml, not the current directory.");

    public static readonly DiagnosticDescriptor SpecNotAModel = new(
        "GAC0021", "model.path is not a model",
        "model.path is neither an .onnx file nor a folder with config.json and *.safetensors, or it contradicts model.format.",
        "Point model.path at an .onnx file or a Hugging Face model folder, and make model.format match (or use auto).");

    public static readonly DiagnosticDescriptor SpecUnknownProfile = new(
        "GAC0022", "Unknown alignment profile",
        "alignment.profile names neither a built-in profile nor one defined under alignment.profiles.",
        "Use a built-in profile (generic-8, nvidia-ampere-fp16, nvidia-hopper-fp16, int8-16) or define it under alignment.profiles.");

    public static readonly DiagnosticDescriptor SpecConflictingOptions = new(
        "GAC0023", "Conflicting options",
        "Two settings contradict each other (several calibration sources, an export path that would overwrite the model, a perplexity gate without token " +
            "data, ...).",
        "Keep one of the conflicting settings, as the message explains.");

    public static readonly DiagnosticDescriptor SpecInvalidPath = new(
        "GAC0024", "Invalid path",
        "A path contains characters this operating system does not allow in file names.",
        "Write a valid relative or absolute path.");

    public static readonly DiagnosticDescriptor SpecOptionIgnored = new(
        "GAC0030", "Option has no effect",
        "A setting is valid but will not be used with the other settings (for example compress.prune with method asvd).",
        "Remove the setting, or change the setting that makes it unused.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor SpecSchemaViolation = new(
        "GAC0099", "Spec violates a schema rule",
        "A value breaks a rule of gac.yaml.schema.json that has no more specific diagnostic.",
        "Read the rule in the message and the property's description in gac.yaml.schema.json.");
}
