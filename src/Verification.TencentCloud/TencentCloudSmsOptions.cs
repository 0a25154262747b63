namespace Verification.TencentCloud;

/// <summary>
/// Settings of the Tencent Cloud SMS sender, bound from the <c>Verification:TencentCloudSms</c> configuration section
/// (environment variables use <c>__</c>: <c>Verification__TencentCloudSms__SecretKey</c>). Validated at start; every
/// failure message names the key to fix.
/// </summary>
public sealed class TencentCloudSmsOptions
{
    /// <summary>The configuration section the options bind from: <c>"Verification:TencentCloudSms"</c>.</summary>
    public const string SectionName = "Verification:TencentCloudSms";

    /// <summary>
    /// The name of the <see cref="System.Net.Http.IHttpClientFactory"/> client the sender uses:
    /// <c>services.AddHttpClient(TencentCloudSmsOptions.HttpClientName)</c> adds handlers (a proxy, telemetry) to it.
    /// </summary>
    public const string HttpClientName = "Verification.TencentCloud";

    /// <summary>The documented SMS API endpoint.</summary>
    public const string DefaultEndpoint = "https://sms.tencentcloudapi.com";

    /// <summary>The template parameter filled with the code.</summary>
    public const string CodeParameter = "Code";

    /// <summary>The template parameter filled with the code's lifetime in whole minutes, rounded up.</summary>
    public const string MinutesParameter = "Minutes";

    /// <summary>The template parameter filled with the code's lifetime in whole seconds.</summary>
    public const string SecondsParameter = "Seconds";

    /// <summary>The API key's SecretId (<c>SecretId</c>, starts with <c>AKID</c>); it appears in requests, not in logs.</summary>
    /// <value>Default null: required.</value>
    public string? SecretId { get; set; }

    /// <summary>The API key's SecretKey (<c>SecretKey</c>). Only signs requests; never sent, never logged.</summary>
    /// <value>Default null: required.</value>
    public string? SecretKey { get; set; }

    /// <summary>The region sent as <c>X-TC-Region</c> (<c>Region</c>), for example <c>ap-guangzhou</c>.</summary>
    /// <value>Default null: required.</value>
    public string? Region { get; set; }

    /// <summary>The SMS application id (<c>SmsSdkAppId</c>), for example <c>1400006666</c>.</summary>
    /// <value>Default null: required.</value>
    public string? SmsSdkAppId { get; set; }

    /// <summary>The approved signature content (<c>SignName</c>); required by Tencent for mainland China numbers.</summary>
    /// <value>Default null (not sent).</value>
    public string? SignName { get; set; }

    /// <summary>The approved template id (<c>TemplateId</c>); its parameters are <see cref="TemplateParameters"/>.</summary>
    /// <value>Default null: required.</value>
    public string? TemplateId { get; set; }

    /// <summary>
    /// The API URL (<c>Endpoint</c>), for a regional host such as <c>https://sms.ap-guangzhou.tencentcloudapi.com</c>,
    /// a proxy or a local stand-in. Must be absolute, without a query, and <c>https</c> unless the host is a loopback
    /// address.
    /// </summary>
    /// <value>Default <see cref="DefaultEndpoint"/>.</value>
    public Uri Endpoint { get; set; } = new(DefaultEndpoint);

    /// <summary>
    /// What fills the template's parameters, in order (<c>TemplateParameters</c>, an array or one comma-separated
    /// value): <see cref="CodeParameter"/>, <see cref="MinutesParameter"/> or <see cref="SecondsParameter"/>. They must
    /// match the template's <c>{1}</c>, <c>{2}</c>…
    /// </summary>
    /// <value>Default <c>["Code", "Minutes"]</c>: the code, then the lifetime in minutes.</value>
    public IList<string> TemplateParameters { get; set; } = new List<string> { CodeParameter, MinutesParameter };

    /// <summary>How long one SendSms call may take, answer included (<c>Timeout</c>, <c>hh:mm:ss</c>).</summary>
    /// <value>Default 00:00:10. 1 second to 2 minutes.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

}
