using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Verification.AspNetCore.Tests.Localization;

namespace Verification.AspNetCore.Tests;

/// <summary>The culture of a message over HTTP, and an app's own language from its resource files.</summary>
public sealed class LocalizationTests
{
    private static readonly string PhoneJson = $$"""{"phone_number":"{{TestApp.Phone}}","usage":"SIGN_IN"}""";

    [Theory]
    [InlineData("zh-TW", "zh-TW", "驗證碼")]
    [InlineData("zh-HK", "zh-HK", "驗證碼")]
    [InlineData("fr-FR", "zh-CN", "验证码")]
    [InlineData(null, "zh-CN", "验证码")]
    public async Task Send_WithTheAppsRequestLocalization_RendersInTheCultureItChose(string? acceptLanguage, string culture, string expected)
    {
        await using var app = await TestApp.StartAsync(o => o.BeforeEndpoints = web => web.UseRequestLocalization(r => r
            .SetDefaultCulture("zh-CN")
            .AddSupportedCultures("en", "zh-CN", "zh-TW", "zh-HK")
            .AddSupportedUICultures("en", "zh-CN", "zh-TW", "zh-HK")));

        using var response = await SendAsync(app, acceptLanguage);

        await Json.ReadSuccessAsync(response);
        var message = app.SmsSender.LastMessage!;
        Assert.Equal(culture, message.Culture.Name);
        Assert.Contains(expected, message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WithoutRequestLocalization_ReadsAcceptLanguageItself()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await SendAsync(app, "zh-HK,en;q=0.5");

        await Json.ReadSuccessAsync(response);
        Assert.Equal("zh-HK", app.SmsSender.LastMessage!.Culture.Name);
        Assert.StartsWith("您的登入驗證碼為：", app.SmsSender.LastMessage.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fr-FR", "{0} est votre code Contoso de connexion. Il expire dans 10 minutes.")]
    [InlineData("fr-CA", "{0} est votre code Contoso de connexion. Il expire dans 10 minutes.")]
    [InlineData("en", "{0} is your Contoso sign-in code. It expires in 10 minutes. Do not share it with anyone.")]
    public async Task Send_WithALanguageAddedByTheAppsResourceFile_RendersIt(string acceptLanguage, string expected)
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Verification = v =>
            {
                v.Messages.ProductName = "Contoso";
                v.Code.Lifetime = TimeSpan.FromMinutes(10);
            };
            o.Services = s =>
            {
                s.AddLocalization();
                s.AddVerification().AddMessageLocalizer<AppMessages>();
            };
        });

        using var response = await SendAsync(app, acceptLanguage);

        await Json.ReadSuccessAsync(response);
        var message = app.SmsSender.LastMessage!;
        Assert.Equal(string.Format(CultureInfo.InvariantCulture, expected, message.Code), message.Body);
    }

    private static Task<HttpResponseMessage> SendAsync(TestApp app, string? acceptLanguage)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification") { Content = new StringContent(PhoneJson, System.Text.Encoding.UTF8, "application/json") };
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        return app.Client.SendAsync(request);
    }
}
