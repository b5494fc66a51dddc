/**
 * Attaches TFLite model metadata (input normalisation, colour space) to a
 * model that has none.
 *
 * MediaPipe's tasks-vision refuses a float32-input model unless its metadata
 * says how to normalise pixels ("requires specifying NormalizationOptions
 * metadata"). The BlazeFace weights in `@mediapipe/face_detection` ship
 * without it, so the build passes them through `withInputMetadata` once.
 *
 * The original model bytes are copied verbatim to the tail of a new
 * FlatBuffer and a new root `Model` table is written in front of them that
 * reuses every original subtable by offset; only the `buffers` and `metadata`
 * vectors are new. So nothing of the model needs a full schema to be copied.
 */
import * as flatbuffers from 'flatbuffers';
import {
  Buffer as TfliteBuffer,
  ColorSpaceType,
  Content,
  ContentProperties,
  ImageProperties,
  ImageSize,
  Metadata,
  Model,
  ModelMetadata,
  NormalizationOptions,
  ProcessUnit,
  ProcessUnitOptions,
  SubGraphMetadata,
  TensorMetadata,
} from './generated/schema_generated';

const MODEL_IDENTIFIER = 'TFL3';
const METADATA_IDENTIFIER = 'M001';
/** The name under which TFLite runtimes look the metadata buffer up. */
const METADATA_NAME = 'TFLITE_METADATA';
/** Tensor data in TFLite buffers is 16-byte aligned; keep a wider margin. */
const ORIGINAL_ALIGNMENT = 64;

/** Model field ids from tensorflow/lite/schema/schema.fbs. */
const MODEL_FIELD = {
  version: 0,
  operatorCodes: 1,
  subgraphs: 2,
  description: 3,
  buffers: 4,
  metadataBuffer: 5,
  metadata: 6,
  signatureDefs: 7,
} as const;

export interface InputMetadata {
  /** Per-channel (or single) mean subtracted from 0..255 pixel values. */
  mean: number[];
  /** Per-channel (or single) divisor applied after the mean. */
  std: number[];
  colorSpace: 'RGB' | 'GRAYSCALE';
  width: number;
  height: number;
}

export class TfliteFormatError extends Error {
  override name = 'TfliteFormatError';
}

/** Returns a copy of `model` whose metadata describes its input as `input`. */
export function withInputMetadata(model: Uint8Array, input: InputMetadata): Uint8Array {
  const source = parseModel(model);
  const metadataBytes = buildMetadata(input);

  const builder = new flatbuffers.Builder(model.length + metadataBytes.length + 1024);
  // Written first, so it lands at the end of the output, aligned.
  builder.prep(ORIGINAL_ALIGNMENT, model.length);
  for (let i = model.length - 1; i >= 0; i--) builder.writeInt8(model[i]!);
  const originalStart = builder.offset();
  /** Builder offset of the object at `position` inside the original bytes. */
  const original = (position: number): flatbuffers.Offset => originalStart - position;

  // Buffer.data is declared force_align 16.
  builder.startVector(1, metadataBytes.length, 16);
  for (let i = metadataBytes.length - 1; i >= 0; i--) builder.addInt8(metadataBytes[i]!);
  const metadataData = builder.endVector();
  const metadataBuffer = TfliteBuffer.createBuffer(builder, metadataData, 0n, 0n);

  const buffers = [...indexes(source.buffersLength()).map((i) => original(source.buffers(i)!.bb_pos)), metadataBuffer];
  const buffersVector = Model.createBuffersVector(builder, buffers);

  const metadataName = builder.createString(METADATA_NAME);
  const metadataEntry = Metadata.createMetadata(builder, metadataName, buffers.length - 1);
  const keptEntries = indexes(source.metadataLength())
    .map((i) => source.metadata(i)!)
    .filter((entry) => entry.name() !== METADATA_NAME)
    .map((entry) => original(entry.bb_pos));
  const metadataVector = Model.createMetadataVector(builder, [...keptEntries, metadataEntry]);

  Model.startModel(builder);
  Model.addVersion(builder, source.version());
  for (const field of ['operatorCodes', 'subgraphs', 'description', 'metadataBuffer', 'signatureDefs'] as const) {
    const position = referencedPosition(source, MODEL_FIELD[field]);
    if (position !== null) builder.addFieldOffset(MODEL_FIELD[field], original(position), 0);
  }
  Model.addBuffers(builder, buffersVector);
  Model.addMetadata(builder, metadataVector);
  builder.finish(Model.endModel(builder), MODEL_IDENTIFIER);
  return builder.asUint8Array().slice();
}

/** Reads back the input metadata of a model, or null when it has none. */
export function readInputMetadata(model: Uint8Array): InputMetadata | null {
  const source = parseModel(model);
  const entry = indexes(source.metadataLength())
    .map((i) => source.metadata(i)!)
    .find((candidate) => candidate.name() === METADATA_NAME);
  if (!entry) return null;
  const data = source.buffers(entry.buffer())?.dataArray();
  if (!data) throw new TfliteFormatError(`Metadata buffer ${entry.buffer()} is missing or empty.`);

  const bytes = new flatbuffers.ByteBuffer(data);
  if (!bytes.__has_identifier(METADATA_IDENTIFIER)) {
    throw new TfliteFormatError(`Metadata buffer lacks the "${METADATA_IDENTIFIER}" identifier.`);
  }
  const tensor = ModelMetadata.getRootAsModelMetadata(bytes).subgraphMetadata(0)?.inputTensorMetadata(0);
  if (!tensor) return null;

  const unit = tensor.processUnits(0);
  const normalization =
    unit?.optionsType() === ProcessUnitOptions.NormalizationOptions
      ? (unit.options(new NormalizationOptions()) as NormalizationOptions)
      : null;
  const content = tensor.content();
  const image =
    content?.contentPropertiesType() === ContentProperties.ImageProperties
      ? (content.contentProperties(new ImageProperties()) as ImageProperties)
      : null;
  if (!normalization || !image) return null;
  return {
    mean: Array.from(normalization.meanArray() ?? []),
    std: Array.from(normalization.stdArray() ?? []),
    colorSpace: image.colorSpace() === ColorSpaceType.GRAYSCALE ? 'GRAYSCALE' : 'RGB',
    width: image.defaultSize()?.width() ?? 0,
    height: image.defaultSize()?.height() ?? 0,
  };
}

function parseModel(model: Uint8Array): Model {
  const bytes = new flatbuffers.ByteBuffer(model);
  if (model.length < 8 || !bytes.__has_identifier(MODEL_IDENTIFIER)) {
    throw new TfliteFormatError(`Not a TFLite model: the "${MODEL_IDENTIFIER}" identifier is missing.`);
  }
  return Model.getRootAsModel(bytes);
}

/** Absolute position of the object an offset field points at, or null if the field is absent. */
function referencedPosition(table: Model, fieldId: number): number | null {
  const bytes = table.bb!;
  const fieldOffset = bytes.__offset(table.bb_pos, 4 + 2 * fieldId);
  if (fieldOffset === 0) return null;
  const at = table.bb_pos + fieldOffset;
  return at + bytes.readUint32(at);
}

function buildMetadata(input: InputMetadata): Uint8Array {
  const builder = new flatbuffers.Builder(512);
  const mean = NormalizationOptions.createMeanVector(builder, input.mean);
  const std = NormalizationOptions.createStdVector(builder, input.std);
  const normalization = NormalizationOptions.createNormalizationOptions(builder, mean, std);
  const unit = ProcessUnit.createProcessUnit(builder, ProcessUnitOptions.NormalizationOptions, normalization);
  const units = TensorMetadata.createProcessUnitsVector(builder, [unit]);

  const size = ImageSize.createImageSize(builder, input.width, input.height);
  ImageProperties.startImageProperties(builder);
  ImageProperties.addColorSpace(builder, ColorSpaceType[input.colorSpace]);
  ImageProperties.addDefaultSize(builder, size);
  const image = ImageProperties.endImageProperties(builder);
  Content.startContent(builder);
  Content.addContentPropertiesType(builder, ContentProperties.ImageProperties);
  Content.addContentProperties(builder, image);
  const content = Content.endContent(builder);

  const tensorName = builder.createString('image');
  TensorMetadata.startTensorMetadata(builder);
  TensorMetadata.addName(builder, tensorName);
  TensorMetadata.addContent(builder, content);
  TensorMetadata.addProcessUnits(builder, units);
  const tensor = TensorMetadata.endTensorMetadata(builder);

  const inputs = SubGraphMetadata.createInputTensorMetadataVector(builder, [tensor]);
  SubGraphMetadata.startSubGraphMetadata(builder);
  SubGraphMetadata.addInputTensorMetadata(builder, inputs);
  const subgraph = SubGraphMetadata.endSubGraphMetadata(builder);

  const subgraphs = ModelMetadata.createSubgraphMetadataVector(builder, [subgraph]);
  const minParserVersion = builder.createString('1.0.0');
  ModelMetadata.startModelMetadata(builder);
  ModelMetadata.addSubgraphMetadata(builder, subgraphs);
  ModelMetadata.addMinParserVersion(builder, minParserVersion);
  builder.finish(ModelMetadata.endModelMetadata(builder), METADATA_IDENTIFIER);
  return builder.asUint8Array();
}

function indexes(length: number): number[] {
  return Array.from({ length }, (_, i) => i);
}
