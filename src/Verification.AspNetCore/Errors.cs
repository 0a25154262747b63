namespace Verification.AspNetCore;

internal static class Errors
{
    public static VerificationError InvalidArgument(string field, string reason, string description) =>
        new(VerificationErrorCodes.InvalidArgument, description) { Field = field, Reason = reason };

    public static readonly VerificationError NotFound =
        new(VerificationErrorCodes.NotFound, "No endpoint exists at this path.");

    public static readonly VerificationError MethodNotAllowed =
        new(VerificationErrorCodes.MethodNotAllowed, "This endpoint accepts POST only.");

    public static readonly VerificationError Internal =
        new(VerificationErrorCodes.Internal, "An unexpected error occurred; it has been logged.");
}
