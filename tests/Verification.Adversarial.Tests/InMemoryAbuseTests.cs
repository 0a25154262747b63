using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Verification.Adversarial.Tests;

public sealed class InMemoryAbuseTests(ITestOutputHelper output) : AbuseTests(output)
{
    protected override void UseStore(IServiceCollection services)
    {
        // The in-memory store is the default.
    }

    [Fact]
    public async Task Send_FloodOfDistinctContacts_StoreAnswersUnavailableAtItsCapAndTheOwnersCodeStillVerifies()
    {
        await using var app = await StartAsync(v =>
        {
            v.InMemoryStore.MaxEntries = 1000;
            v.Throttling.PerIp = new RateWindow(0, TimeSpan.FromHours(1));
        });
        var ownerId = await app.SendAsync("""{"email":"owner@example.com"}""");
        var ownerCode = app.EmailSender.LastCode!;

        var sent = 1;
        HttpStatusCode last = HttpStatusCode.OK;
        string? reason = null;
        for (var i = 0; i < 1000 && last == HttpStatusCode.OK; i++)
        {
            using var response = await app.PostAsync(Send, $$"""{"email":"flood{{i}}@example.com"}""");
            last = response.StatusCode;
            if (last == HttpStatusCode.OK)
            {
                sent++;
                continue;
            }

            reason = Json.Detail(await Json.ReadAsync(response), "reason");
        }

        var store = Assert.IsType<InMemoryCodeStore>(app.Services.GetRequiredService<ICodeStore>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, last);
        Assert.Equal("store_unavailable", reason);
        Assert.InRange(store.Count, 1, 1000);
        using var verified = await app.PostAsync(Verify, $$"""{"verification_id":"{{ownerId}}","verification_code":"{{ownerCode}}"}""");
        await Json.ReadSuccessAsync(verified);
        Output.WriteLine($"{sent} sends before the cap of 1000 entries; the store holds {store.Count}");
    }
}
