// datasets.cpp: the data sets' table (see datasets.h), generated from assets/datasets.json.
#include "datasets.h"

namespace convlens {

const std::vector<DatasetInfo>& datasets() {
  static const std::vector<DatasetInfo> table = {
#include "datasets_table.inc"
  };
  return table;
}

const DatasetInfo* dataset_info(const std::string& id) {
  for (const DatasetInfo& d : datasets())
    if (d.id == id) return &d;
  return nullptr;
}

int DatasetInfo::file_index(const std::string& name) const {
  const size_t slash = name.find_last_of('/');
  const std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
  for (size_t i = 0; i < files.size(); ++i)
    if (files[i] == base) return int(i);
  return -1;
}

std::string dataset_ids() {
  std::vector<std::string> ids;
  for (const DatasetInfo& d : datasets()) ids.push_back(d.id);
  std::string text;
  for (size_t i = 0; i < ids.size(); ++i) text += (i == 0 ? "" : i + 1 == ids.size() ? " or " : ", ") + ids[i];
  return text;
}

}  // namespace convlens
