// ui_text.h: every string the UI draws, in English and in Traditional Chinese (zh-TW), looked up by key, and the
// CJK font the Chinese needs, merged into ImGui's font atlas with only the glyphs of the Chinese table.
//
// The table (ui_text.cpp) has one row per key: the English, then the Chinese. A printf format keeps its %
// specifiers, in the same order, in both (tests/ui/test_ui_text.cpp checks it). Not here: layer titles
// (Keras', "layer 2 conv2d_1 (1, 14, 14, 36)"), class names, numbers, and messages from the engine and the app
// (warnings, errors, the Keras log), which stay as they are.
#pragma once
#include <string>

#include "imgui.h"
#include "url_params.h"

namespace convlens {

enum class Text {
  // windows and tabs
  DataAndTraining, FeatureMaps, Probe, Curves, Mistakes, Train, Results,
  NotEverythingDone, Dismiss,
  // Data & model
  DataAndModel, DataSet, FromYourDisk, NotServedTip, TrainTestImages, BooksCnn, Tiny, Spec, SpecTip,
  ColLayer, ColOutputShape, ColParams, TotalParams, MflopPerSample,
  // Training
  Training, Optimizer, SgdMomentum, LearningRate, Momentum, BatchSize, Epochs, ValidationSplit, Samples, All,
  SamplesTip, Seed, Threads, ThreadsTip, Pause, Resume, TrainAgain, Start, Step, StepTip, Reset, ResetTip,
  SaveModel, SaveModelTip, LoadModel, LoadModelTip, CopyLink, CopyLinkTip, KeepModel, KeepModelTip, KeptModel,
  KeptModelTip, Restore, RestoreTip, Forget, EpochProgress, Validating, Batch,
  SamplesPerSecEta, RateTip, LossAcc, ValLossAcc, PressStart, EpochEstimate, EvaluatingTest, TestLossAcc,
  TestTip, Log,
  // Curves
  NoDataYet, EpochAt, SaveCsv, SaveCsvTip, BatchSmoothed, Loss, Accuracy,
  // Mistakes
  ConfusionTipOne, ConfusionTipMany, ClickShowMostConfident, RowsColumns, MistakesIntro, AfterEpoch, MostConfident,
  MistakeTip,
  // Feature maps
  BeforeTraining, EpochBatch, Layer, Cell, Fit, CellTip, PerMap, PerMapTip, PerLayer, PerLayerTip, Gray, SavePng,
  SavePngTip, NoMapsYet, LiveUpdating, CurrentWeightsParen, CurrentWeights, After, BeforeEpoch0, NowCurrentWeights,
  LeftKeepsUntrained, FilmstripUnits, FilmstripMap, ExplanationEachEpoch, Saliency, AfterEpochGone, TimelineIntro,
  Play, Latest, Speed, BatchLossAcc, RandomInitialWeights, FilterN, NoConvLayer, FiltersOf, WeightsLive, WeightsNow,
  InColour, Loading, TabLive, TabBeforeAfter, TabTimeline, TabFilters,
  // Probe
  TestImageInput, Random, NextOfClass, DrawingNeedsGray, Clear, DrawHint, Explain, ExplainTip, GradCamTip,
  SaliencyLower, SaliencyTip, Predicted, EveryClass, Opacity, Prediction, LabelIs, WaitingForData, TestImage, Draw,
  // map grids
  ChannelOf, ValuesRange, DeadMap, UnitValue, NoMaps, TooLarge,
  Count
};

// `key` in the UI's language.
const char* tr(Text key);
// `key` in `lang` (the tests and the font read both tables).
const char* tr_in(Language lang, Text key);
// "label###id": the label in the UI's language with an ImGui ID that stays the same in every language (windows,
// tabs, buttons and other widgets whose label is their ID).
std::string tr_id(Text key, const char* id);

void ui_set_language(Language lang);
Language ui_language();

// Merges the CJK font at `path` (the build's subset of Noto Sans CJK TC) into the atlas' last font, at `size_px`,
// with glyphs for exactly the characters of the Chinese table. False if the file cannot be read. Call before the
// atlas is built.
bool ui_merge_cjk_font(ImFontAtlas& atlas, const std::string& path, float size_px);

}  // namespace convlens
