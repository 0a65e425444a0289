namespace Gac.Core.Diagnostics;

/// <summary>The process exit codes of the command-line contract (ARCHITECTURE.md).</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Rejected = 1;
    public const int BadInput = 2;
    public const int InternalError = 3;
}
