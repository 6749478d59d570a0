import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/bounce-app.js';

buildApp(new App());
