namespace Verification.TencentCloud.Tests;

/// <summary>Tencent Cloud SMS error codes, each classified as the "Error mapping" table of docs/providers.md says.</summary>
public sealed class ErrorClassificationTests
{
    [Theory]
    [InlineData("LimitExceeded.PhoneNumberThirtySecondLimit", DeliveryFailureKind.NotProcessed)]
    [InlineData("LimitExceeded.PhoneNumberOneHourLimit", DeliveryFailureKind.NotProcessed)]
    [InlineData("LimitExceeded.PhoneNumberDailyLimit", DeliveryFailureKind.NotProcessed)]
    [InlineData("LimitExceeded.PhoneNumberSameContentDailyLimit", DeliveryFailureKind.NotProcessed)]
    [InlineData("LimitExceeded.DeliveryFrequencyLimit", DeliveryFailureKind.NotProcessed)]
    [InlineData("LimitExceeded.AppDailyLimit", DeliveryFailureKind.NotProcessed)]
    [InlineData("RequestLimitExceeded", DeliveryFailureKind.NotProcessed)]
    [InlineData("InvalidParameterValue.IncorrectPhoneNumber", DeliveryFailureKind.InvalidRecipient)]
    [InlineData("InvalidParameterValue.TemplateParameterFormatError", DeliveryFailureKind.Permanent)]
    [InlineData("InvalidParameterValue.ContentLengthLimit", DeliveryFailureKind.Permanent)]
    [InlineData("FailedOperation.PhoneNumberInBlacklist", DeliveryFailureKind.Permanent)]
    [InlineData("FailedOperation.SignatureIncorrectOrUnapproved", DeliveryFailureKind.Permanent)]
    [InlineData("FailedOperation.TemplateIncorrectOrUnapproved", DeliveryFailureKind.Permanent)]
    [InlineData("FailedOperation.InsufficientBalanceInSmsPackage", DeliveryFailureKind.Permanent)]
    [InlineData("InternalError.Timeout", DeliveryFailureKind.Transient)]
    [InlineData("InternalError.SendAndRecvFail", DeliveryFailureKind.Transient)]
    [InlineData("InternalError", DeliveryFailureKind.Transient)]
    [InlineData("AuthFailure.SignatureFailure", DeliveryFailureKind.Permanent)]
    [InlineData("AuthFailure.SecretIdNotFound", DeliveryFailureKind.Permanent)]
    [InlineData("AuthFailure.SignatureExpire", DeliveryFailureKind.Permanent)]
    [InlineData("AuthFailure.UnauthorizedOperation", DeliveryFailureKind.Permanent)]
    [InlineData("UnauthorizedOperation.SmsSdkAppIdVerifyFail", DeliveryFailureKind.Permanent)]
    [InlineData("MissingParameter", DeliveryFailureKind.Permanent)]
    [InlineData("SomethingNew.NeverDocumented", DeliveryFailureKind.Transient)]
    public void Classify_DocumentedCode_GivesTheKind(string code, DeliveryFailureKind expected) =>
        Assert.Equal(expected, TencentCloudErrors.Classify(code).Kind);

    [Theory]
    [InlineData("AuthFailure.SecretIdNotFound", "Verification:TencentCloudSms:SecretId")]
    [InlineData("AuthFailure.SignatureFailure", "Verification:TencentCloudSms:SecretKey")]
    [InlineData("AuthFailure.SignatureExpire", "server clock")]
    [InlineData("FailedOperation.SignatureIncorrectOrUnapproved", "Verification:TencentCloudSms:SignName")]
    [InlineData("FailedOperation.TemplateIncorrectOrUnapproved", "Verification:TencentCloudSms:TemplateId")]
    [InlineData("FailedOperation.InsufficientBalanceInSmsPackage", "balance")]
    [InlineData("InvalidParameterValue.TemplateParameterFormatError", "Verification:TencentCloudSms:TemplateParameters")]
    [InlineData("UnauthorizedOperation.SmsSdkAppIdVerifyFail", "Verification:TencentCloudSms:SmsSdkAppId")]
    [InlineData("UnsupportedRegion", "Verification:TencentCloudSms:Region")]
    public void Classify_ConfigurationError_NamesTheKeyToCheck(string code, string key) =>
        Assert.Contains(key, TencentCloudErrors.Classify(code).ConfigurationKey, StringComparison.Ordinal);

    [Theory]
    [InlineData("FailedOperation.PhoneNumberInBlacklist")]
    [InlineData("InvalidParameterValue.IncorrectPhoneNumber")]
    [InlineData("LimitExceeded.PhoneNumberDailyLimit")]
    [InlineData("InternalError.Timeout")]
    public void Classify_NotAConfigurationError_NamesNoKey(string code) =>
        Assert.Null(TencentCloudErrors.Classify(code).ConfigurationKey);
}
