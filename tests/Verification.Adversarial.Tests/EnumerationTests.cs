using System.Diagnostics;
using System.Net;
using Verification.AspNetCore.Tests;
using Verification.Tests;
using Xunit.Abstractions;

namespace Verification.Adversarial.Tests;

/// <summary>
/// Threat T7 of docs/security.md (enumeration): existing and unknown contacts get the same status, body shape and timing (except the
/// documented <c>is_user</c>, which can be switched off).
/// </summary>
public sealed class EnumerationTests(ITestOutputHelper output)
{
    private const string Existing = "+86 15588665555";
    private const string Unknown = "+86 13800138000";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Send_ExistingAndUnknownContacts_SameStatusAndBodyShape(bool includeIsUser)
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.UserDirectory = new FakeUserDirectory("+8615588665555");
            o.Verification = v => v.IncludeIsUser = includeIsUser;
        });

        using var existing = await app.PostAsync("/auth/v1/verification", $$"""{"phone_number":"{{Existing}}"}""");
        using var unknown = await app.PostAsync("/auth/v1/verification", $$"""{"phone_number":"{{Unknown}}"}""");

        var a = await Json.ReadSuccessAsync(existing);
        var b = await Json.ReadSuccessAsync(unknown);
        Assert.Equal(Json.PropertyNames(a), Json.PropertyNames(b));
        Assert.Equal(a.GetProperty("expires_in").GetInt32(), b.GetProperty("expires_in").GetInt32());
        Assert.Equal(a.GetProperty("verification_id").GetString()!.Length, b.GetProperty("verification_id").GetString()!.Length);
        Assert.Equal(existing.Content.Headers.ContentType, unknown.Content.Headers.ContentType);
        if (!includeIsUser)
        {
            Assert.DoesNotContain("is_user", Json.PropertyNames(a));
        }
    }

    [Fact]
    public async Task Verify_WrongCodeForExistingAndUnknownContacts_SameStatusAndBody()
    {
        await using var app = await TestApp.StartAsync(o => o.UserDirectory = new FakeUserDirectory("+8615588665555"));
        var existingId = await app.SendAsync($$"""{"phone_number":"{{Existing}}"}""");
        var existingCode = app.Outbox.Last.Code;
        var unknownId = await app.SendAsync($$"""{"phone_number":"{{Unknown}}"}""");
        var unknownCode = app.Outbox.Last.Code;

        using var a = await app.PostAsync("/auth/v1/verification/verify", $$"""{"verification_id":"{{existingId}}","verification_code":"{{ServiceHarness.WrongCode(existingCode)}}"}""");
        using var b = await app.PostAsync("/auth/v1/verification/verify", $$"""{"verification_id":"{{unknownId}}","verification_code":"{{ServiceHarness.WrongCode(unknownCode)}}"}""");

        Assert.Equal(a.StatusCode, b.StatusCode);
        Assert.Equal(await a.Content.ReadAsStringAsync(), await b.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SendAsync_ExistingVersusUnknownContacts_MedianTimesWithinAGenerousTolerance()
    {
        const int samples = 300;
        var existing = Enumerable.Range(0, samples + 20).Select(i => $"+8613900{i:D6}").ToArray();
        var unknown = Enumerable.Range(0, samples + 20).Select(i => $"+8613700{i:D6}").ToArray();
        var h = new ServiceHarness(
            o =>
            {
                // Hundreds of numbers of two prefixes from one client: the pumping guards would ask for a captcha.
                o.Throttling.PerNumberPrefix = new RateWindow(0, TimeSpan.FromHours(1));
                o.Throttling.SmsPerPrefixPerHour = 0;
                o.Throttling.GlobalSmsPerHour = 0;
                o.Throttling.GlobalSmsPerDay = 0;
                o.Throttling.GlobalSmsPerRegionPerHour = 0;
            },
            userDirectory: new FakeUserDirectory(existing));
        var existingTimes = new List<double>(samples);
        var unknownTimes = new List<double>(samples);

        // Interleaved, in an order that alternates which comes first, after a warm-up: drift and noise of the
        // machine fall on both sides alike.
        for (var i = 0; i < samples + 20; i++)
        {
            var first = i % 2 == 0;
            var x = await TimeAsync(h, first ? existing[i] : unknown[i]);
            var y = await TimeAsync(h, first ? unknown[i] : existing[i]);
            if (i < 20)
            {
                continue;
            }

            (first ? existingTimes : unknownTimes).Add(x);
            (first ? unknownTimes : existingTimes).Add(y);
        }

        var medianExisting = Median(existingTimes);
        var medianUnknown = Median(unknownTimes);
        output.WriteLine($"{samples} samples each: median existing {medianExisting:F3} ms, unknown {medianUnknown:F3} ms");

        // Generous on purpose (a 2-core CI machine is noisy): a real difference (a database round trip, a second
        // message) would be many times larger than either bound.
        var ratio = Math.Max(medianExisting, medianUnknown) / Math.Max(Math.Min(medianExisting, medianUnknown), 1e-6);
        Assert.True(ratio <= 2.0 || Math.Abs(medianExisting - medianUnknown) < 0.25, $"median existing {medianExisting:F3} ms vs unknown {medianUnknown:F3} ms");
        Assert.Equal(2 * (samples + 20), h.Outbox.Messages.Count);
    }

    private static async Task<double> TimeAsync(ServiceHarness h, string phone)
    {
        var timer = Stopwatch.StartNew();
        var result = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: phone));
        var elapsed = timer.Elapsed.TotalMilliseconds;
        Assert.True(result.Succeeded, result.ToString());
        return elapsed;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
