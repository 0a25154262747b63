namespace Verification.TencentCloud;

/// <summary>What an error code of Tencent Cloud SMS means for a delivery.</summary>
/// <param name="Kind">The failure kind reported to the service.</param>
/// <param name="ConfigurationKey">The setting to check when the error is a configuration problem; null otherwise.</param>
internal readonly record struct ErrorClassification(DeliveryFailureKind Kind, string? ConfigurationKey)
{
    /// <summary>Whether the code is none of the documented families (then treated as transient: an error answer means nothing was sent).</summary>
    public bool Unrecognized { get; init; }
}

/// <summary>
/// Classifies the codes of <c>Response.Error.Code</c> and <c>Response.SendStatusSet[].Code</c>. An answer carrying an
/// error code means Tencent did not send the message, so no class here risks a duplicate SMS.
/// </summary>
internal static class TencentCloudErrors
{
    private const string Path = TencentCloudSmsOptions.SectionName + ":";

    private static readonly HashSet<string> InvalidRecipientCodes = new(StringComparer.Ordinal)
    {
        "InvalidParameterValue.IncorrectPhoneNumber",
        "FailedOperation.PhoneNumberParseFail",
        "UnsupportedOperation.UnsupportedRegion",
    };

    /// <summary>Families of codes that mean our request or account is wrong: fixing configuration is the only cure.</summary>
    private static readonly string[] ConfigurationFamilies =
    [
        "AuthFailure", "InvalidParameter", "InvalidParameterValue", "MissingParameter", "UnknownParameter",
        "UnauthorizedOperation", "UnsupportedOperation", "InvalidAction", "InvalidRequest", "UnsupportedProtocol",
        "UnsupportedRegion", "NoSuchVersion", "ResourceNotFound", "ResourceUnavailable", "ActionOffline",
    ];

    public static ErrorClassification Classify(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (InvalidRecipientCodes.Contains(code))
        {
            return new(DeliveryFailureKind.InvalidRecipient, null);
        }

        var family = code.Split('.', 2)[0];
        switch (family)
        {
            // Provider throttling (per number, per app, or the API rate): refused before sending.
            case "LimitExceeded" or "RequestLimitExceeded":
                return new(DeliveryFailureKind.NotProcessed, null);
            case "InternalError":
                return new(DeliveryFailureKind.Transient, null);
            case "FailedOperation":
                return new(DeliveryFailureKind.Permanent, code switch
                {
                    "FailedOperation.SignatureIncorrectOrUnapproved" or "FailedOperation.MissingSignature" or "FailedOperation.MissingSignatureList"
                        => Path + "SignName (an approved signature of this SmsSdkAppId)",
                    "FailedOperation.TemplateIncorrectOrUnapproved" or "FailedOperation.MissingTemplateList" or "FailedOperation.TemplateIdNotExist"
                        => Path + "TemplateId (an approved template of this SmsSdkAppId)",
                    "FailedOperation.InsufficientBalanceInSmsPackage"
                        => "the SMS package balance of the Tencent Cloud account",
                    _ => null,
                });
        }

        if (ConfigurationFamilies.Contains(family, StringComparer.Ordinal))
        {
            return new(DeliveryFailureKind.Permanent, ConfigurationKeyFor(code));
        }

        return new(DeliveryFailureKind.Transient, null) { Unrecognized = true };
    }

    private static string ConfigurationKeyFor(string code) => code switch
    {
        "AuthFailure.SecretIdNotFound" or "AuthFailure.InvalidSecretId" => Path + "SecretId",
        "AuthFailure.SignatureFailure" => Path + "SecretKey (it must belong to the SecretId)",
        "AuthFailure.SignatureExpire" or "AuthFailure.InvalidAuthorization" => "the server clock (X-TC-Timestamp must be within 5 minutes of Tencent's)",
        "AuthFailure.UnauthorizedOperation" => "the CAM permissions of " + Path + "SecretId (sms:SendSms)",
        "InvalidParameterValue.TemplateParameterFormatError" or "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter"
            => Path + "TemplateParameters (a code parameter must be 0-6 digits: Verification:Code:Length)",
        "InvalidParameterValue.ContentLengthLimit" => Path + "TemplateId (the rendered template is too long)",
        _ when code.StartsWith("AuthFailure", StringComparison.Ordinal) => Path + "SecretId and " + Path + "SecretKey",
        _ when code.Contains("SdkAppId", StringComparison.OrdinalIgnoreCase) => Path + "SmsSdkAppId",
        _ when code.Contains("Template", StringComparison.Ordinal) => Path + "TemplateId",
        _ when code.Contains("Sign", StringComparison.Ordinal) => Path + "SignName",
        _ when code.Contains("Region", StringComparison.Ordinal) => Path + "Region",
        _ => Path + "SmsSdkAppId, TemplateId, SignName and Region",
    };
}
