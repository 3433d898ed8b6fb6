// The live traffic reader and what the panel shows of it.
export * from './trafficView';
export * from './liveTraffic';
export * from './liveTrafficRegistry';
export * from './environmentSource';
export * from './trafficControl';
