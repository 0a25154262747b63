using System.Diagnostics.Metrics;

namespace Verification.Adversarial.Tests;

/// <summary>Counts the verification ids one app's engine signs, through its <c>verification.tokens.signed</c> counter.</summary>
internal sealed class SignatureCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;

    public SignatureCounter(IMeterFactory appMeters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Verification" && instrument.Name == "verification.tokens.signed" && ReferenceEquals(instrument.Meter.Scope, appMeters))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "verification.token.kind", Value: "verification_id" })
                {
                    Interlocked.Add(ref _count, value);
                }
            }
        });
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
