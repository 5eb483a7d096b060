using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using static System.FormattableString;

namespace Communique.Nlu.Engine;

// The binary format of a trained intent classifier, as stored with every model version: a versioned header (magic,
// format version, payload length, XxHash64 of the payload), then the payload, all little-endian. The payload is
// assembled in memory first for its length and checksum. Stored versions are read back with this code, so a change
// to the layout needs a new format version, with the reader of the old one kept once a release has written it.
// The bulk (the vocabulary, the lexical weights and the training vectors) is stored as the loaded classifier holds it:
// one character pool, and 8-bit rows with their scales.
internal static class IntentClassifierFormat
{
    private const int FormatVersion = 2;
    private const int HeaderSize = 24;

    private static ReadOnlySpan<byte> Magic => "CQIC"u8;

    public static void Write(IntentClassifier classifier, Stream stream)
    {
        using var payload = new MemoryStream();
        WritePayload(classifier, payload);
        var bytes = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        Span<byte> header = stackalloc byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], bytes.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], XxHash64.HashToUInt64(bytes));
        stream.Write(header);
        stream.Write(bytes);
    }

    // The length of what Write writes, without building the bytes.
    public static long Measure(IntentClassifier classifier)
    {
        using var counter = new CountingStream();
        WritePayload(classifier, counter);
        return HeaderSize + counter.Length;
    }

    public static IntentClassifier Read(Stream stream)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        ReadExactly(stream, header);
        if (!header[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException("This is not an intent model.");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException(Invariant(
                $"Intent model format version {version} is not supported (this build reads {FormatVersion})."));
        }

        var length = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        if (length < 0 || length > Array.MaxLength || (stream.CanSeek && length > stream.Length - stream.Position))
        {
            throw new InvalidDataException("The intent model is truncated or its header is damaged.");
        }

        var payload = new byte[length];
        ReadExactly(stream, payload);
        if (XxHash64.HashToUInt64(payload) != BinaryPrimitives.ReadUInt64LittleEndian(header[16..]))
        {
            throw new InvalidDataException("The intent model is damaged (checksum mismatch).");
        }

        try
        {
            return ReadPayload(payload);
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or ArgumentException)
        {
            throw new InvalidDataException("The intent model is malformed.", e);
        }
    }

    private static void WritePayload(IntentClassifier classifier, Stream stream)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        var intents = classifier.Intents;
        w.Write(classifier.Views);
        w.Write(classifier.Dimensions);
        w.Write(intents.Count);
        foreach (var intent in intents)
        {
            w.Write(intent);
        }

        w.Write(classifier.MixingWeight);
        w.Write(classifier.Threshold);
        WriteCalibrator(w, classifier.Calibrator);
        WriteArray(w, classifier.TfIdf.Pool);
        WriteArray(w, classifier.TfIdf.Ends);
        WriteArray(w, classifier.TfIdf.Idf);
        WriteArray<float>(w, classifier.Dense.Parameters);
        WriteRows(w, classifier.Lexical.Weights);
        WriteArray(w, classifier.Lexical.Biases);
        WriteRows(w, classifier.Examples);

        var e = classifier.Evaluation;
        w.Write(e.InScopeExamples);
        w.Write(e.OutOfScopeExamples);
        WriteNullable(w, e.Accuracy);
        WriteNullable(w, e.InScopeAccuracy);
        WriteNullable(w, e.OutOfScopeRecall);
        foreach (var intent in intents)
        {
            var quality = e.PerIntent[intent];
            w.Write(quality.HeldOutExamples);
            WriteNullable(w, quality.Precision);
            WriteNullable(w, quality.Recall);
        }

        var index = IndexOf(intents);
        w.Write(e.Confusions.Count);
        foreach (var c in e.Confusions)
        {
            w.Write(index[c.Expected]);
            w.Write(index[c.Predicted]);
            w.Write(c.Count);
        }
    }

    private static IntentClassifier ReadPayload(byte[] payload)
    {
        using var stream = new MemoryStream(payload, writable: false);
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var views = r.ReadInt32();
        var dimensions = r.ReadInt32();
        var classes = ReadCount(r, 1);
        if (views < 1 || dimensions < 1 || classes < 2)
        {
            throw new InvalidDataException("The intent model's shape is invalid.");
        }

        var intents = new string[classes];
        for (var k = 0; k < classes; k++)
        {
            intents[k] = r.ReadString();
        }

        var index = IndexOf(intents);
        if (index.Count != classes)
        {
            throw new InvalidDataException("The intent model repeats an intent.");
        }

        var mixingWeight = r.ReadDouble();
        var threshold = r.ReadDouble();
        if (!(mixingWeight is >= 0 and <= 1) || double.IsNaN(threshold))
        {
            throw new InvalidDataException("The intent model's mixing weight or threshold is invalid.");
        }

        var calibrator = ReadCalibrator(r);
        var tfidf = TfIdf.FromPool(ReadArray<char>(r), ReadArray<int>(r), ReadArray<float>(r));
        var dense = Softmax.FromParameters(classes, dimensions, ReadArray<float>(r));
        var lexical = SparseSoftmax.FromWeights(ReadRows(r), ReadArray<float>(r));
        var examples = ReadRows(r);
        if (lexical.Classes != classes || lexical.Features != tfidf.Count)
        {
            throw new InvalidDataException("The intent model's lexical weights do not match its intents and terms.");
        }

        if (examples.Rows == 0 || examples.Width != dimensions)
        {
            throw new InvalidDataException("The intent model's training vectors do not match its dimensions.");
        }

        var inScopeExamples = ReadCount(r, 0);
        var outOfScopeExamples = ReadCount(r, 0);
        var accuracy = ReadNullable(r);
        var inScopeAccuracy = ReadNullable(r);
        var outOfScopeRecall = ReadNullable(r);
        var perIntent = new Dictionary<string, IntentQuality>(classes, StringComparer.Ordinal);
        foreach (var intent in intents)
        {
            perIntent[intent] = new IntentQuality(ReadCount(r, 0), ReadNullable(r), ReadNullable(r));
        }

        var confusions = new IntentConfusion[ReadCount(r, 12)];
        for (var i = 0; i < confusions.Length; i++)
        {
            var expected = r.ReadInt32();
            var predicted = r.ReadInt32();
            var count = r.ReadInt32();
            if ((uint)expected >= classes || (uint)predicted >= classes || count < 1)
            {
                throw new InvalidDataException("The intent model's evaluation is invalid.");
            }

            confusions[i] = new IntentConfusion(intents[expected], intents[predicted], count);
        }

        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException("The intent model has trailing data.");
        }

        var evaluation = new HeldOutEvaluation(
            inScopeExamples, outOfScopeExamples, accuracy, inScopeAccuracy, outOfScopeRecall, perIntent, confusions);
        return new IntentClassifier(intents, views, tfidf, dense, lexical, examples, mixingWeight, calibrator,
            threshold, evaluation, HeaderSize + payload.LongLength);
    }

    private static void WriteCalibrator(BinaryWriter w, Calibrator calibrator)
    {
        for (var j = 0; j < Calibrator.FeatureCount; j++)
        {
            w.Write(calibrator.Mean[j]);
            w.Write(calibrator.StandardDeviation[j]);
            w.Write(calibrator.Weights[j]);
        }

        w.Write(calibrator.Bias);
    }

    private static Calibrator ReadCalibrator(BinaryReader r)
    {
        var mean = new double[Calibrator.FeatureCount];
        var sd = new double[Calibrator.FeatureCount];
        var weights = new double[Calibrator.FeatureCount];
        for (var j = 0; j < Calibrator.FeatureCount; j++)
        {
            mean[j] = r.ReadDouble();
            sd[j] = r.ReadDouble();
            weights[j] = r.ReadDouble();
            if (!double.IsFinite(mean[j]) || !(sd[j] > 0) || !double.IsFinite(weights[j]))
            {
                throw new InvalidDataException("The intent model's calibrator is invalid.");
            }
        }

        var bias = r.ReadDouble();
        if (!double.IsFinite(bias))
        {
            throw new InvalidDataException("The intent model's calibrator is invalid.");
        }

        return new Calibrator(mean, sd, weights, bias);
    }

    private static Dictionary<string, int> IndexOf(IReadOnlyList<string> intents)
    {
        var index = new Dictionary<string, int>(intents.Count, StringComparer.Ordinal);
        for (var k = 0; k < intents.Count; k++)
        {
            index.TryAdd(intents[k], k);
        }

        return index;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The intent model is truncated.", e);
        }
    }

    // A count followed by at least count * elementSize bytes: a damaged count cannot make Load allocate more than the
    // payload holds.
    private static int ReadCount(BinaryReader r, int elementSize)
    {
        var count = r.ReadInt32();
        var left = r.BaseStream.Length - r.BaseStream.Position;
        if (count < 0 || (long)count * elementSize > left)
        {
            throw new InvalidDataException("The intent model holds an invalid count.");
        }

        return count;
    }

    private static void WriteRows(BinaryWriter w, QuantizedRows rows)
    {
        w.Write(rows.Width);
        WriteArray(w, rows.Scales);
        WriteArray(w, rows.Values);
    }

    private static QuantizedRows ReadRows(BinaryReader r)
    {
        var width = r.ReadInt32();
        if (width < 1)
        {
            throw new InvalidDataException("The intent model holds rows of an invalid width.");
        }

        var scales = ReadArray<float>(r);
        return new QuantizedRows(width, ReadArray<sbyte>(r), scales);
    }

    private static void WriteArray<T>(BinaryWriter w, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        w.Write(values.Length);
        var bytes = MemoryMarshal.AsBytes(values);
        if (BitConverter.IsLittleEndian || Unsafe.SizeOf<T>() == 1)
        {
            w.Write(bytes);
            return;
        }

        var element = new byte[Unsafe.SizeOf<T>()];
        for (var i = 0; i < bytes.Length; i += element.Length)
        {
            bytes.Slice(i, element.Length).CopyTo(element);
            element.AsSpan().Reverse();
            w.Write(element);
        }
    }

    private static T[] ReadArray<T>(BinaryReader r)
        where T : unmanaged
    {
        var values = new T[ReadCount(r, Unsafe.SizeOf<T>())];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        r.BaseStream.ReadExactly(bytes);
        if (!BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < bytes.Length; i += Unsafe.SizeOf<T>())
            {
                bytes.Slice(i, Unsafe.SizeOf<T>()).Reverse();
            }
        }

        return values;
    }

    private static void WriteNullable(BinaryWriter w, double? value)
    {
        w.Write(value.HasValue);
        w.Write(value ?? 0);
    }

    private static double? ReadNullable(BinaryReader r)
    {
        var hasValue = r.ReadBoolean();
        var value = r.ReadDouble();
        return hasValue ? value : null;
    }

    // Counts what a writer writes.
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

        public override void WriteByte(byte value) => _length++;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
