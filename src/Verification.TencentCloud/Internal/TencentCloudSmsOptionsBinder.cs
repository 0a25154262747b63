using Verification.Shared;

namespace Verification.TencentCloud;

/// <summary>Reads the <c>Verification:TencentCloudSms</c> keys into <see cref="TencentCloudSmsOptions"/>.</summary>
/// <remarks>Configured <c>TemplateParameters</c> replace the default list instead of being appended to it.</remarks>
internal static class TencentCloudSmsOptionsBinder
{
    public static void Bind(ConfigurationReader section, TencentCloudSmsOptions options)
    {
        options.SecretId = section.String("SecretId") ?? options.SecretId;
        options.SecretKey = section.String("SecretKey") ?? options.SecretKey;
        options.Region = section.String("Region") ?? options.Region;
        options.SmsSdkAppId = section.String("SmsSdkAppId") ?? options.SmsSdkAppId;
        options.SignName = section.String("SignName") ?? options.SignName;
        options.TemplateId = section.String("TemplateId") ?? options.TemplateId;
        options.Endpoint = section.Uri("Endpoint", $"use for example {TencentCloudSmsOptions.DefaultEndpoint} (the default) or remove the key.") ?? options.Endpoint;
        options.TemplateParameters = section.StringList("TemplateParameters") is { Count: > 0 } parameters ? parameters : options.TemplateParameters;
        options.Timeout = section.TimeSpan("Timeout") ?? options.Timeout;
    }
}
