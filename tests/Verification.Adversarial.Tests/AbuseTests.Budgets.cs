using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;

namespace Verification.Adversarial.Tests;

/// <summary>Attacks 3 and 4 at scale: a bot rotating through IPv6 addresses, and one pumping mailboxes, over HTTP on the store under test.</summary>
public abstract partial class AbuseTests
{
    [Fact]
    public async Task Send_BotRotatingThroughIpv6Slash64s_CaughtAtItsSlash56ThenAtItsSlash48()
    {
        // The host trusts its proxy (loopback) for X-Forwarded-For, as a deployment behind one does.
        await using var app = await StartAsync(
            services: s => s.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor),
            beforeEndpoints: a => a.UseForwardedHeaders());
        var mailbox = 0;

        // One customer's /56 (2001:db8:1:100::/56): a fresh /64 for every send, so the per-/64 window never fills.
        var fromOneSlash56 = await SendUntilRefusedAsync(app, i => $"2001:db8:1:1{i:x2}::1", () => mailbox++);
        Assert.Equal((40, "ip_limit"), fromOneSlash56);

        // The next /56s of the same /48 go on until the /48 holds 100 sends.
        var fromTheSlash48 = await SendUntilRefusedAsync(app, i => $"2001:db8:1:{i + 2:x2}00::1", () => mailbox++);
        Assert.Equal((60, "ip_limit"), fromTheSlash48);

        // Anyone outside that /48 is served as before.
        using var other = await SendFromAsync(app, "2001:db8:2::1", $$"""{"email":"neighbour@example.com"}""");
        await Json.ReadSuccessAsync(other);
        Assert.Equal(101, app.Messages.Count);
    }

    [Fact]
    public async Task Send_PumpingManyMailboxes_GlobalEmailBudgetDegradesAndExistingUsersAndCaptchaSolversStillSignIn()
    {
        var renderer = new RecordingCaptchaRenderer();
        await using var app = await StartAsync(
            v =>
            {
                v.Throttling.GlobalEmailPerHour = 10;
                v.Throttling.GlobalReservedShare = 0.2;
                v.Throttling.GlobalCaptchaShare = 1;
                v.Throttling.PerIp = new RateWindow(0, TimeSpan.FromHours(1));
            },
            directory: new FakeUserDirectory("owner@example.com"),
            renderer: renderer);

        for (var i = 0; i < 8; i++)
        {
            await app.SendAsync($$"""{"email":"pump{{i}}@example.net"}""");
        }

        using (var pumped = await app.PostAsync(Send, """{"email":"pump8@example.net"}"""))
        {
            Assert.Equal("global_budget", Json.Detail(await Json.AssertErrorAsync(pumped, (HttpStatusCode)429, "rate_limit_exceeded", 4029), "reason"));
        }

        await app.SendAsync("""{"email":"owner@example.com"}""");
        using (var solver = await SendAsync(app, """{"email":"newcomer@example.com"}""", captcha: await SolveCaptchaAsync(app, renderer)))
        {
            await Json.ReadSuccessAsync(solver);
        }

        using var full = await SendAsync(app, """{"email":"late@example.com"}""", captcha: await SolveCaptchaAsync(app, renderer));
        Assert.Equal("global_budget", Json.Detail(await Json.AssertErrorAsync(full, (HttpStatusCode)429, "rate_limit_exceeded", 4029), "reason"));
        Assert.Equal(10, app.EmailSender.Messages.Count);
    }

    /// <summary>Sends to a new mailbox from <paramref name="address"/>(i) until a send is refused; the sends that went out and the refusal's reason.</summary>
    private static async Task<(int Sent, string? Reason)> SendUntilRefusedAsync(TestApp app, Func<int, string> address, Func<int> nextMailbox)
    {
        for (var i = 0; i < 250; i++)
        {
            using var response = await SendFromAsync(app, address(i), $$"""{"email":"user{{nextMailbox()}}@example.com"}""");
            if (!response.IsSuccessStatusCode)
            {
                var body = await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "captcha_required", 4028);
                return (i, Json.Detail(body, "reason"));
            }
        }

        return (250, null);
    }

    private static async Task<HttpResponseMessage> SendFromAsync(TestApp app, string clientAddress, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Send) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Forwarded-For", clientAddress);
        return await app.Client.SendAsync(request);
    }
}
