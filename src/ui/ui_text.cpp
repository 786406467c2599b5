// ui_text.cpp: the UI's strings, English and Traditional Chinese side by side, one row per key in the order of
// enum Text (checked at compile time); and the CJK font merged for the Chinese (see ui_text.h).
//
// The build subsets Noto Sans CJK TC to the characters of this file (CMakeLists.txt: pyftsubset --text-file),
// so a character written here is a character the page's font has.
#include "ui_text.h"

#include <cstdio>
#include <iterator>

namespace convlens {
namespace {

struct Row {
  Text key;
  const char* en;
  const char* zh_tw;
};

constexpr Row kRows[] = {
    {Text::DataAndTraining, "Data & training", "資料與訓練"},
    {Text::FeatureMaps, "Feature maps", "特徵圖"},
    {Text::Probe, "Probe", "探測圖片"},
    {Text::Curves, "Curves", "曲線"},
    {Text::Mistakes, "Mistakes", "錯誤"},
    {Text::Train, "Train", "訓練"},
    {Text::Results, "Results", "結果"},
    {Text::NotEverythingDone, "Not everything asked for was done:", "部分要求未能完成："},
    {Text::Dismiss, "Dismiss", "關閉"},

    {Text::DataAndModel, "Data & model", "資料與模型"},
    {Text::DataSet, "data set", "資料集"},
    {Text::FromYourDisk, "%s from your disk...", "從你的電腦載入 %s..."},
    {Text::NotServedTip,
     "This site does not serve %s: choose its archive (%s) or its files,\n"
     "or drop them on the page. They are read here, never uploaded.",
     "本網站沒有提供 %s：請選擇它的壓縮檔（%s）或它的檔案，\n"
     "或拖放到頁面上。檔案只在這裡讀取，不會上傳。"},
    {Text::TrainTestImages, "%s train, %s test images %s", "訓練 %s 張、測試 %s 張圖片 %s"},
    {Text::BooksCnn, "Book's CNN", "書中的 CNN"},
    {Text::Tiny, "Tiny (fast)", "迷你（快速）"},
    {Text::Spec, "spec", "規格"},
    {Text::SpecTip,
     "A preset (mnist) or layers joined by '-': conv<F>k<K>, pool<P>, drop<R>, flat, dense<U>.\n"
     "Press Enter to build it.",
     "預設模型（mnist）或以 '-' 串接的層：conv<F>k<K>、pool<P>、drop<R>、flat、dense<U>。\n"
     "按 Enter 建立模型。"},
    {Text::ColLayer, "Layer", "層"},
    {Text::ColOutputShape, "Output shape", "輸出形狀"},
    {Text::ColParams, "Params", "參數"},
    {Text::TotalParams, "Total params: %s", "參數總數：%s"},
    {Text::MflopPerSample, "%.1f MFLOP per training sample", "每個訓練樣本 %.1f MFLOP"},

    {Text::Training, "Training", "訓練"},
    {Text::Optimizer, "optimizer", "最佳化器"},
    {Text::SgdMomentum, "SGD + momentum", "SGD + 動量"},
    {Text::LearningRate, "learning rate", "學習率"},
    {Text::Momentum, "momentum", "動量"},
    {Text::BatchSize, "batch size", "批次大小"},
    {Text::Epochs, "epochs", "訓練週期"},
    {Text::ValidationSplit, "validation split", "驗證比例"},
    {Text::Samples, "samples", "樣本數"},
    {Text::All, "all", "全部"},
    {Text::SamplesTip, "Use only the first N training images for quick runs (0 = all).",
     "只用前 N 張訓練圖片，快速試跑（0 = 全部）。"},
    {Text::Seed, "seed", "亂數種子"},
    {Text::Threads, "threads", "執行緒"},
    {Text::ThreadsTip, "Threads that train (one per core at most). Results are the same for any number.",
     "用來訓練的執行緒（每個核心最多一個）。不論幾個，結果都相同。"},
    {Text::Pause, "Pause", "暫停"},
    {Text::Resume, "Resume", "繼續"},
    {Text::TrainAgain, "Train again", "重新訓練"},
    {Text::Start, "Start", "開始"},
    {Text::Step, "Step", "單步"},
    {Text::StepTip, "Train one batch, then pause.", "訓練一個批次後暫停。"},
    {Text::Reset, "Reset", "重設"},
    {Text::ResetTip, "New initial weights from the seed; clears the history.", "依亂數種子產生新的初始權重，並清除紀錄。"},
    {Text::SaveModel, "Save model", "儲存模型"},
    {Text::SaveModelTip, "The current weights as a file that 'convlens eval --load' and Load model read.",
     "把目前的權重存成檔案，可由 'convlens eval --load' 或「載入模型」讀取。"},
    {Text::LoadModel, "Load model", "載入模型"},
    {Text::LoadModelTip,
     "Weights saved by this page or 'convlens train --save', for the model above: a new run\n"
     "starts from them (the maps show what they learned; Start trains on).",
     "由本頁或 'convlens train --save' 儲存、適用上方模型的權重：新的訓練\n"
     "從這些權重開始（特徵圖呈現它們學到的東西；按「開始」繼續訓練）。"},
    {Text::CopyLink, "Copy link", "複製連結"},
    {Text::CopyLinkTip, "A link to this page with these settings, layer and probe.", "本頁的連結，帶有目前的設定、層與探測圖片。"},
    {Text::KeepModel, "Keep the model in this browser", "在此瀏覽器保留模型"},
    {Text::KeepModelTip,
     "After each run its weights (%.1f MB) stay in this browser's storage, not on any server,\n"
     "and are offered back on your next visit.",
     "每次訓練完成後，權重（%.1f MB）存在此瀏覽器中，不會上傳到任何伺服器，\n"
     "下次造訪時可以還原。"},
    {Text::KeptModel, "Kept: %s, %d epoch(s), validation accuracy %.1f%%, %s (%.1f MB).",
     "已保留：%s，%d 個訓練週期，驗證準確率 %.1f%%，%s（%.1f MB）。"},
    {Text::KeptModelTip, "model %s", "模型 %s"},
    {Text::Restore, "Restore", "還原"},
    {Text::RestoreTip, "Its settings and weights become the current run (Start trains on).",
     "它的設定與權重成為目前的訓練（按「開始」繼續訓練）。"},
    {Text::Forget, "Forget", "刪除"},
    {Text::EpochProgress, "epoch %d/%d  %s %d/%d", "週期 %d/%d  %s %d/%d"},
    {Text::Validating, "validating", "驗證中"},
    {Text::Batch, "batch", "批次"},
    {Text::SamplesPerSecEta, "%.0f samples/s   ETA %s", "每秒 %.0f 個樣本   剩餘 %s"},
    {Text::RateTip,
     "%.0f samples/s while computing; %.0f per second of wall time, drawing included.\n"
     "ETA: the epochs left at the wall-clock rate.",
     "計算時每秒 %.0f 個樣本；連同繪圖，實際每秒 %.0f 個。\n"
     "剩餘時間：以實際速率估計剩下的訓練週期。"},
    {Text::LossAcc, "loss %.4f  acc %.4f", "損失 %.4f  準確率 %.4f"},
    {Text::ValLossAcc, "  val_loss %.4f  val_acc %.4f", "  驗證損失 %.4f  驗證準確率 %.4f"},
    {Text::PressStart, "Press Start to train.", "按「開始」進行訓練。"},
    {Text::EpochEstimate, "An epoch should take about %s here (a first batch trained at %.0f samples/s).",
     "在這裡一個訓練週期預計約需 %s（第一批訓練時每秒 %.0f 個樣本）。"},
    {Text::EvaluatingTest, "evaluating on the test set", "正在用測試集評估"},
    {Text::TestLossAcc, "test loss %.4f  test acc %.4f", "測試損失 %.4f  測試準確率 %.4f"},
    {Text::TestTip, "Keras' model.evaluate on the %zu test images", "Keras 的 model.evaluate，用 %zu 張測試圖片"},
    {Text::Log, "Log", "紀錄"},

    {Text::NoDataYet, "no data yet", "尚無資料"},
    {Text::EpochAt, "epoch %.2f", "週期 %.2f"},
    {Text::SaveCsv, "Save CSV", "儲存 CSV"},
    {Text::SaveCsvTip, "Loss and accuracy per epoch, as a spreadsheet reads it.", "每個週期的損失與準確率，可用試算表開啟。"},
    {Text::BatchSmoothed, "batch (smoothed)", "批次（平滑）"},
    {Text::Loss, "Loss", "損失"},
    {Text::Accuracy, "Accuracy", "準確率"},

    {Text::ConfusionTipOne, "true %s, predicted %s: %u image (%.1f%% of the %s)%s",
     "真實 %s，預測 %s：%u 張圖片（%.1f%%，在所有 %s 中）%s"},
    {Text::ConfusionTipMany, "true %s, predicted %s: %u images (%.1f%% of the %s)%s",
     "真實 %s，預測 %s：%u 張圖片（%.1f%%，在所有 %s 中）%s"},
    {Text::ClickShowMostConfident, "\nclick: show the most confident one", "\n點一下：顯示最有把握的那一張"},
    {Text::RowsColumns, "rows: true class, columns: predicted", "列：真實類別，欄：預測類別"},
    {Text::MistakesIntro,
     "After each epoch: what the model confuses on the validation images, and its most confident mistakes.",
     "每個訓練週期結束後：模型在驗證圖片上把哪些類別弄混，以及它最有把握卻答錯的圖片。"},
    {Text::AfterEpoch, "after epoch %d", "第 %d 個週期後"},
    {Text::MostConfident, "Most confident mistakes (epoch %d): %zu", "最有把握的錯誤（第 %d 個週期）：%zu"},
    {Text::MistakeTip, "true %s, predicted %s (%.0f%%)\nclick: make it the probe",
     "真實 %s，預測 %s（%.0f%%）\n點一下：設為探測圖片"},

    {Text::BeforeTraining, "before training", "訓練前"},
    {Text::EpochBatch, "epoch %d, batch %ld", "第 %d 個週期，第 %ld 批次"},
    {Text::Layer, "layer", "層"},
    {Text::Cell, "cell", "格子"},
    {Text::Fit, "fit", "自動"},
    {Text::CellTip, "fig_width / n_cols: the side of one map on screen (0: as large as the panel allows)",
     "fig_width / n_cols：一張特徵圖在螢幕上的邊長（0：面板容得下的最大尺寸）"},
    {Text::PerMap, "per map", "逐張"},
    {Text::PerMapTip, "Each map stretched over the full range: shows every pattern.",
     "每張特徵圖各自拉伸到完整範圍：每個圖樣都看得到。"},
    {Text::PerLayer, "per layer", "逐層"},
    {Text::PerLayerTip, "One range for the layer: brighter = stronger activation.", "整層共用一個範圍：越亮 = 激發越強。"},
    {Text::Gray, "gray", "灰階"},
    {Text::SavePng, "Save PNG", "儲存 PNG"},
    {Text::SavePngTip, "This view's grid as a picture, as drawn here.", "把這個畫面的網格存成圖片，和這裡畫的一樣。"},
    {Text::NoMapsYet, "No maps yet: waiting for the data.", "還沒有特徵圖：正在等待資料。"},
    {Text::LiveUpdating, "(live, updating as it trains)", "（即時，隨訓練更新）"},
    {Text::CurrentWeightsParen, "(current weights)", "（目前的權重）"},
    {Text::CurrentWeights, "current weights", "目前的權重"},
    {Text::After, "after", "之後"},
    {Text::BeforeEpoch0, "Before training (epoch 0)", "訓練前（第 0 個週期）"},
    {Text::NowCurrentWeights, "Now (current weights)", "現在（目前的權重）"},
    {Text::LeftKeepsUntrained, "Start training: the left side keeps the untrained maps.",
     "開始訓練後，左側會保留訓練前的特徵圖。"},
    {Text::FilmstripUnits, "Filmstrip: %s, all units", "影格條：%s，所有單元"},
    {Text::FilmstripMap, "Filmstrip: %s map %d (click a map below to follow another)",
     "影格條：%s 的第 %d 張特徵圖（點一下下方的特徵圖改看另一張）"},
    {Text::ExplanationEachEpoch, "%s of the probe after each epoch (the Probe panel's settings)",
     "每個週期後探測圖片的 %s（依探測圖片面板的設定）"},
    {Text::Saliency, "Saliency", "顯著圖"},
    {Text::AfterEpochGone, "after epoch %d: no longer kept", "第 %d 個週期後：已不再保留"},
    {Text::TimelineIntro,
     "Start training: a snapshot of every layer is kept before training, a dozen times during the first epoch "
     "(where most change happens) and after every epoch. Scrub through them here.",
     "開始訓練後，每一層的快照會在訓練前、第一個週期中（變化最多的時候）約十二次，以及每個週期結束後保存下來。"
     "可在這裡拖曳瀏覽。"},
    {Text::Play, "Play", "播放"},
    {Text::Latest, "latest", "最新"},
    {Text::Speed, "speed", "速度"},
    {Text::BatchLossAcc, "batch %ld: loss %.3f, acc %.3f", "第 %ld 批次：損失 %.3f，準確率 %.3f"},
    {Text::RandomInitialWeights, "random initial weights", "隨機的初始權重"},
    {Text::FilterN, "filter %d", "卷積核 %d"},
    {Text::NoConvLayer, "This model has no Conv2D layer.", "這個模型沒有 Conv2D 層。"},
    {Text::FiltersOf, "%d filters of %dx%dx%d: one row per input channel, one column per filter (weights %s)",
     "%d 個 %dx%dx%d 的卷積核：每列一個輸入通道，每欄一個卷積核（權重：%s）"},
    {Text::WeightsLive, "updating live", "即時更新"},
    {Text::WeightsNow, "now", "目前"},
    {Text::InColour, "in colour", "彩色"},
    {Text::Loading, "Loading...", "載入中..."},
    {Text::TabLive, "Live", "即時"},
    {Text::TabBeforeAfter, "Before vs after", "訓練前後"},
    {Text::TabTimeline, "Evolution timeline", "演變時間軸"},
    {Text::TabFilters, "Filters", "卷積核"},

    {Text::TestImageInput, "test image", "測試圖片"},
    {Text::Random, "Random", "隨機"},
    {Text::NextOfClass, "Next of class", "下一張同類"},
    {Text::DrawingNeedsGray, "Drawing needs a one-channel model.", "手寫需要單通道的模型。"},
    {Text::Clear, "Clear", "清除"},
    {Text::DrawHint, "draw with the mouse or a finger", "用滑鼠或手指書寫"},
    {Text::Explain, "Explain", "解釋"},
    {Text::ExplainTip, "Why the model answers what it does, as a heat map over the image.",
     "以疊在圖片上的熱度圖，說明模型為什麼這樣回答。"},
    {Text::GradCamTip, "Where the model looks: a layer's maps weighted by how much each raises the class's score.",
     "模型在看哪裡：一層的特徵圖，依各自讓該類別分數提高多少來加權。"},
    {Text::SaliencyLower, "saliency", "顯著圖"},
    {Text::SaliencyTip, "Which pixels change the class's score most: |d score / d pixel|.",
     "哪些像素最能改變該類別的分數：|d 分數 / d 像素|。"},
    {Text::Predicted, "predicted", "預測類別"},
    {Text::EveryClass, "every class", "每個類別"},
    {Text::Opacity, "opacity %.1f", "不透明度 %.1f"},
    {Text::Prediction, "Prediction: %s (%.0f%%)", "預測：%s（%.0f%%）"},
    {Text::LabelIs, " label: %s", " 標籤：%s"},
    {Text::WaitingForData, "Waiting for the data...", "正在等待資料..."},
    {Text::TestImage, "Test image", "測試圖片"},
    {Text::Draw, "Draw", "手寫"},

    {Text::ChannelOf, "%s  channel %d of %d", "%s  第 %d 個通道，共 %d 個"},
    {Text::ValuesRange, "%d x %d, values %.3g .. %.3g", "%d x %d，數值 %.3g .. %.3g"},
    {Text::DeadMap, "constant: a dead map", "常數：一張沒有反應的特徵圖"},
    {Text::UnitValue, "%s unit %d: %.4g", "%s 單元 %d：%.4g"},
    {Text::NoMaps, "(no maps)", "（沒有特徵圖）"},
    {Text::TooLarge, "(too large to draw)", "（太大，無法繪製）"},
};

constexpr bool rows_in_key_order() {
  for (size_t i = 0; i < std::size(kRows); ++i)
    if (kRows[i].key != Text(i)) return false;
  return true;
}
static_assert(std::size(kRows) == size_t(Text::Count), "one row per key");
static_assert(rows_in_key_order(), "rows in the order of enum Text");

Language g_language = Language::English;

}  // namespace

const char* tr_in(Language lang, Text key) {
  IM_ASSERT(key < Text::Count);
  const Row& row = kRows[size_t(key)];
  return lang == Language::TraditionalChinese ? row.zh_tw : row.en;
}

const char* tr(Text key) { return tr_in(g_language, key); }

std::string tr_id(Text key, const char* id) { return std::string(tr(key)) + "###" + id; }

void ui_set_language(Language lang) { g_language = lang; }

Language ui_language() { return g_language; }

bool ui_merge_cjk_font(ImFontAtlas& atlas, const std::string& path, float size_px) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  std::fclose(f);
  // The ranges must outlive the atlas' build: kept for the program's life, built once.
  static ImVector<ImWchar> ranges;
  if (ranges.empty()) {
    ImFontGlyphRangesBuilder builder;
    for (const Row& row : kRows) builder.AddText(row.zh_tw);
    builder.BuildRanges(&ranges);
  }
  ImFontConfig config;
  config.MergeMode = true;  // into the last font added (DejaVu Sans): its glyphs win where both have one
  // Han characters fill their em square, Latin ones stand in DejaVu's tall x-height: at the same size the
  // Chinese looked a size smaller than the English beside it.
  constexpr float kHanScale = 1.15f;
  config.GlyphOffset.y = size_px * (kHanScale - 1) * 0.4f;  // keeps them on the Latin text's line
  return atlas.AddFontFromFileTTF(path.c_str(), size_px * kHanScale, &config, ranges.Data) != nullptr;
}

}  // namespace convlens
